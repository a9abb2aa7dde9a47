"""The worked example's numbers, to 1e-9, from the library's own state."""

import pytest

from neuronsim import NeuralNetwork

from conftest import INPUTS, TARGETS, worked_example

TOL = 1e-9


def close(value):
    return pytest.approx(value, abs=TOL)


def test_forward_pass(example):
    outputs = example.feed_forward(INPUTS)
    h1, h2 = example.hidden_layer.neurons
    o1, o2 = example.output_layer.neurons
    assert h1.net_input == close(0.3775)
    assert (h1.output, h2.output) == (close(0.593269992), close(0.596884378))
    assert o1.net_input == close(1.105905967)   # the table's 1.10590597, to 10 digits
    assert outputs == [close(0.751365070), close(0.772928465)]
    assert outputs == [o1.output, o2.output]


def test_errors(example):
    e_o1, e_o2 = example.calculate_output_errors(INPUTS, TARGETS)
    assert e_o1 == close(0.274811083)
    assert e_o2 == close(0.0235600256)
    assert example.calculate_total_error([(INPUTS, TARGETS)]) == close(0.298371109)


def test_backprop_partials_and_weights_unchanged(example):
    before = [list(n.weights) for layer in example.layers for n in layer.neurons]
    error = example.backprop(INPUTS, TARGETS)
    assert error == close(0.298371109)
    assert [list(n.weights) for layer in example.layers for n in layer.neurons] == before
    o1 = example.output_layer.neurons[0]
    h1 = example.hidden_layer.neurons[0]
    assert o1.pd_error_wrt_output == close(0.741365070)
    assert o1.activation.derivative(o1.net_input, o1.output) == close(0.186815602)
    assert o1.delta == close(0.138498562)
    assert o1.weight_gradients[0] == close(0.0821670406)           # ∂E/∂w5
    assert o1.bias_gradient == o1.delta
    assert h1.pd_error_wrt_output == close(0.0363503064)           # ∂E/∂out_h1
    assert h1.activation.derivative(h1.net_input, h1.output) == close(0.241300709)
    assert h1.weight_gradients[0] == close(0.000438567734)         # ∂E/∂w1


def test_one_step_updates_all_eight_weights(example):
    error = example.train(INPUTS, TARGETS)
    assert error == close(0.298371109)                              # E before the step
    hidden = [w for n in example.hidden_layer.neurons for w in n.weights]
    output = [w for n in example.output_layer.neurons for w in n.weights]
    assert hidden == [close(w) for w in (0.149780716, 0.199561432, 0.249751144, 0.299502287)]
    assert output == [close(w) for w in (0.358916480, 0.408666186, 0.511301270, 0.561370121)]
    assert [n.bias for layer in example.layers for n in layer.neurons] == [0.35, 0.35, 0.6, 0.6]


def test_error_after_one_step_is_the_correct_one_not_the_sources(example):
    example.train(INPUTS, TARGETS)
    error = example.calculate_total_error([(INPUTS, TARGETS)])
    assert error == close(0.291027774)
    # The source prints 0.291027924: hidden deltas taken through already-updated
    # output weights.  That number must not come out of correct backpropagation.
    assert abs(error - 0.291027924) > 1e-7


def test_ten_thousand_steps(example):
    for _ in range(10000):
        example.train(INPUTS, TARGETS)
    assert example.calculate_total_error([(INPUTS, TARGETS)]) == pytest.approx(3.51018778e-05, rel=1e-6)
    assert example.feed_forward(INPUTS) == [close(0.0159136204), close(0.984064274)]


def test_biases_train_when_asked_and_a_zero_bias_stays_zero():
    net = worked_example(train_biases=True)
    net.train(INPUTS, TARGETS)
    o1 = net.output_layer.neurons[0]
    assert o1.bias == pytest.approx(0.6 - 0.5 * o1.delta, abs=1e-15)
    # The source turned a bias of 0 into a random number.
    zero = NeuralNetwork(2, 2, 2, hidden_layer_bias=0, output_layer_bias=0.0, seed=3)
    assert all(n.bias == 0.0 for layer in zero.layers for n in layer.neurons)
