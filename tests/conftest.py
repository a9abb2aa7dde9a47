"""Shared helpers for the tests: the worked example and a network snapshot."""

import contextlib
import threading

import pytest

from neuronsim import NeuralNetwork

# The worked example (copied here: the project never reads the documents it came from).
INPUTS = [0.05, 0.1]
TARGETS = [0.01, 0.99]


def worked_example(**options):
    """The 2-2-2 sigmoid network of the worked example, biases fixed."""
    options.setdefault("train_biases", False)
    return NeuralNetwork(2, 2, 2,
                         hidden_layer_weights=[0.15, 0.2, 0.25, 0.3], hidden_layer_bias=0.35,
                         output_layer_weights=[0.4, 0.45, 0.5, 0.55], output_layer_bias=0.6,
                         **options)


def snapshot(net):
    """Every weight and bias of a network, for 'nothing changed' checks."""
    return [[(list(n.weights), n.bias) for n in layer.neurons] for layer in net.layers]


@pytest.fixture
def example():
    return worked_example()


@contextlib.contextmanager
def playground_server():
    """The playground's server on a free port of 127.0.0.1, in a thread; yields its URL."""
    from neuronsim.playground import server
    httpd = server.make_server(0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d/" % httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
