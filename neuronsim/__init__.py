"""neuronsim: a neural-network simulator in pure Python, one object per neuron.

>>> from neuronsim import NeuralNetwork
>>> net = NeuralNetwork(2, 2, 2, seed=1)
>>> len(net.feed_forward([0.05, 0.1]))
2
"""

from .activations import Activation, get_activation
from .costs import Cost, get_cost
from .layer import NeuronLayer
from .network import NeuralNetwork
from .neuron import Neuron

__version__ = "0.1.0"

__all__ = ["Activation", "Cost", "NeuralNetwork", "Neuron", "NeuronLayer",
           "get_activation", "get_cost", "__version__"]
