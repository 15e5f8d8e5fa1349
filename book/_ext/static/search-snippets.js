// Search results quote the prose of a page, not its code or its header buttons.
// Sphinx's search shows, under each result, the text around the first match in the page's
// main element; in this theme that starts with the download menu (".ipynb .pdf") and holds
// the page's table of contents and every code cell. This drops those parts before Sphinx
// picks its snippet.
(() => {
  if (typeof Search === "undefined") return;  // a page without the search tools
  const sphinxText = Search.htmlToText;
  const notProse = [".bd-header-article", ".onlyprint", ".cell_input", ".cell_output", "div.highlight",
                    ".bd-sidebar-secondary", ".prev-next-area", ".bd-footer-article",
                    ".bd-footer-content"];
  Search.htmlToText = (htmlString, anchor) => {
    const page = new DOMParser().parseFromString(htmlString, "text/html");
    page.querySelectorAll(notProse.join(",")).forEach((element) => element.remove());
    return sphinxText(page.documentElement.outerHTML, anchor);
  };
})();
