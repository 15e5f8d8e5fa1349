"""dlml: the small shared library of *Deep Learning vs Machine Learning, measured*.

One concept per module:

- :mod:`dlml.device` — where to compute (CUDA, MPS or CPU) and seeding;
- :mod:`dlml.data` — the book's data sets, generated or bundled, offline;
- :mod:`dlml.tables` — the real tables shipped inside packages: source, licence, reading;
- :mod:`dlml.tabular` — models for real tables: categories and missing values as each family expects;
- :mod:`dlml.models` — the neural networks for rows of numbers, built by name;
- :mod:`dlml.table_net` — a network for tables: periodic embeddings, an ensemble in one network;
- :mod:`dlml.text_models` — the neural networks for text (token ids);
- :mod:`dlml.train` — the training loop;
- :mod:`dlml.activations` — what the hidden layers of a trained network output; linear probes;
- :mod:`dlml.estimator` — a scikit-learn classifier around the networks;
- :mod:`dlml.compare` — many models, same data and seeds, one table; learning curves;
- :mod:`dlml.zoo` — the standard line-up of classical and neural models;
- :mod:`dlml.recipes` — the tuned models for MNIST-1D, and the search that chose them;
- :mod:`dlml.features` — features of 1-D signals: hand-crafted ones, and random convolutional kernels;
- :mod:`dlml.distributed` — data-parallel training with ``torch.distributed``;
- :mod:`dlml.explain` — saliency, integrated gradients, tree rules;
- :mod:`dlml.randomisation` — the model-randomisation check of attributions;
- :mod:`dlml.cost` — parameters, FLOPs, time, latency;
- :mod:`dlml.hardware` — what the machine can do: memory use, matrix-multiply speed;
- :mod:`dlml.augment` — label-preserving shifts of signals;
- :mod:`dlml.plots` — the book's figure style and common figures;
- :mod:`dlml.report` — the environment a page was executed in;
- :mod:`dlml.seeds` — the book's seeds, and the switch that shifts them all;
- :mod:`dlml.verdict` — the article's claim, decided: holds, holds under conditions, does not hold;
- :mod:`dlml.checks` — the input checks the modules share.
"""

__version__ = "0.1.0"
