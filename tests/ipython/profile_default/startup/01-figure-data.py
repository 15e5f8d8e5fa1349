# When the book's notebooks are executed (make execute, make test), a figure's plain-text
# form is what it shows in rounded numbers (dlml.plots.figure_text), so the stored
# notebook keeps a checkable record of each figure beside its PNG. Readers' own
# Jupyter sessions keep matplotlib's usual "<Figure size ...>".
#
# IPython drops the formatter registered for Figure when matplotlib's inline backend
# starts (pylabtools.select_figure_formats pops it), which happens inside the first cell
# that draws. It pops the by-type entry only, so the formatter is also registered by
# name (a deferred entry), and both are renewed before each cell and after it.
def _register_figure_text():
    from matplotlib.figure import Figure

    from dlml.plots import figure_text

    ip = get_ipython()  # noqa: F821
    formatter = ip.display_formatter.formatters["text/plain"]

    def as_text(fig, printer, cycle):
        printer.text(figure_text(fig))

    def ensure(*_):
        formatter.for_type(Figure, as_text)
        formatter.for_type_by_name("matplotlib.figure", "Figure", as_text)

    ensure()
    ip.events.register("pre_run_cell", ensure)
    ip.events.register("post_execute", ensure)


_register_figure_text()
del _register_figure_text
