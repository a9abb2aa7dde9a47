"""neuronsim: a neural-network simulator in pure Python, one object per neuron.

>>> from neuronsim import NeuralNetwork
>>> net = NeuralNetwork(2, 2, 2, seed=1)
>>> len(net.feed_forward([0.05, 0.1]))
2
"""

__version__ = "0.1.0"

from .activations import ACTIVATIONS, Activation, get_activation  # noqa: E402
from .costs import COSTS, Cost, get_cost  # noqa: E402
from .layer import NeuronLayer  # noqa: E402
from .network import NeuralNetwork  # noqa: E402
from .neuron import Neuron  # noqa: E402
from .optimizers import OPTIMIZERS, SGD, Adam, Optimizer, get_optimizer  # noqa: E402
from .saving import ModelFileError  # noqa: E402
from .scaling import Standardizer, one_hot  # noqa: E402
from .training import History, TrainingDiverged, TrainingWarning  # noqa: E402

__all__ = ["ACTIVATIONS", "Activation", "Adam", "COSTS", "Cost", "History", "ModelFileError",
           "NeuralNetwork", "Neuron", "NeuronLayer", "OPTIMIZERS", "Optimizer", "SGD",
           "Standardizer", "TrainingDiverged", "TrainingWarning", "get_activation", "get_cost",
           "get_optimizer", "one_hot", "__version__"]
