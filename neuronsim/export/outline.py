"""What every export target reads first: the network as data, and its shape.

>>> from neuronsim import NeuralNetwork
>>> document, layers, sizes, used = outline(NeuralNetwork.from_layers(
...     2, [(3, "tanh"), (2, "relu"), (1, "tanh")], seed=1))
>>> sizes, used
([2, 3, 2, 1], ['tanh', 'relu'])
"""

from ..saving import to_dict


def outline(net):
    """``(document, layers, sizes, used)``: :func:`~neuronsim.saving.to_dict`'s
    document (its checks: built-in activations only), its layers, the widths
    [inputs, …, outputs], and each activation's name once, in order of use."""
    document = to_dict(net)
    layers = document["layers"]
    sizes = [document["num_inputs"]] + [len(layer["neurons"]) for layer in layers]
    used = []
    for layer in layers:
        if layer["activation"] not in used:
            used.append(layer["activation"])
    return document, layers, sizes, used
