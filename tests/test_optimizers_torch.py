"""Adam and SGD against PyTorch itself (skipped where torch is not installed).

The same network (weights copied into an ``nn.Sequential`` of float64
``nn.Linear`` layers), the same data in the same order (3 or 64 inputs: the
first layer may hold its online steps back), the same loss
(E = Σ ½(t − out)² per sample, averaged over a batch): after three epochs
the weights agree to 1e-12.  PyTorch is a test-only dependency of its own CI
job; ``neuronsim`` never imports it.
"""

import random

import pytest

torch = pytest.importorskip("torch")

import neuronsim.layer  # noqa: E402
from neuronsim import Adam, NeuralNetwork, SGD  # noqa: E402


def torch_twin(net):
    layers = []
    for layer in net.layers:
        linear = torch.nn.Linear(layer.num_inputs, len(layer), dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor([n.weights for n in layer.neurons], dtype=torch.float64))
            linear.bias.copy_(torch.tensor([n.bias for n in layer.neurons], dtype=torch.float64))
        layers += [linear, {"tanh": torch.nn.Tanh(), "sigmoid": torch.nn.Sigmoid()}[layer.activation.name]]
    return torch.nn.Sequential(*layers)


def train_torch(model, optimizer, data, epochs, batch_size):
    for _ in range(epochs):
        for first in range(0, len(data), batch_size):
            batch = data[first:first + batch_size]
            inputs = torch.tensor([x for x, _ in batch], dtype=torch.float64)
            targets = torch.tensor([t for _, t in batch], dtype=torch.float64)
            optimizer.zero_grad()
            loss = (0.5 * (model(inputs) - targets) ** 2).sum(dim=1).mean()
            loss.backward()
            optimizer.step()


@pytest.mark.parametrize("kind", ["adam", "sgd", "momentum", "nesterov"])
@pytest.mark.parametrize("batch_size", [1, 4])
@pytest.mark.parametrize("width", [3, 64])   # 64 inputs: online fit holds steps back (CPython)
def test_the_same_steps_as_pytorch(kind, batch_size, width, monkeypatch):
    monkeypatch.setattr(neuronsim.layer, "HOLD_MOMENTUM", True)   # momentum too, on any CPython
    rng = random.Random(7)
    net = NeuralNetwork(width, 5, 2, activation="tanh", output_activation="sigmoid", seed=7)
    data = [([rng.uniform(-1, 1) for _ in range(width)], [rng.uniform(0, 1), rng.uniform(0, 1)])
            for _ in range(40)]
    model = torch_twin(net)
    ours, theirs = {
        "adam": (Adam(0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
        "sgd": (SGD(0.3), lambda p: torch.optim.SGD(p, lr=0.3)),
        "momentum": (SGD(0.3, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.3, momentum=0.9)),
        "nesterov": (SGD(0.3, momentum=0.9, nesterov=True),
                     lambda p: torch.optim.SGD(p, lr=0.3, momentum=0.9, nesterov=True)),
    }[kind]
    net.fit(data, epochs=3, batch_size=batch_size, optimizer=ours, shuffle=False)
    train_torch(model, theirs(model.parameters()), data, 3, batch_size)
    linears = [m for m in model if isinstance(m, torch.nn.Linear)]
    for layer, linear in zip(net.layers, linears):
        for k, neuron in enumerate(layer.neurons):
            assert neuron.weights == pytest.approx(linear.weight[k].tolist(), rel=1e-12, abs=1e-12)
            assert neuron.bias == pytest.approx(linear.bias[k].item(), rel=1e-12, abs=1e-12)
