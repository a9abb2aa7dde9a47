"""The reference: the worked example's original code style, its bugs fixed.

This module exists for one purpose: ``benchmarks/run.py`` measures neuronsim
against it, side by side in the same run.  It is written the way the famous
worked example wrote its network – plain per-weight loops and one method call
per partial derivative (``calculate_total_net_input``, ``squash``,
``calculate_pd_error_wrt_output``, ``calculate_pd_total_net_input_wrt_input``,
``calculate_pd_total_net_input_wrt_weight``, …) – so that the ratio
neuronsim / reference says what the hot path's care buys.

Fixed so that it computes exactly what neuronsim computes (sigmoid in every
layer, E = Σ ½(target − out)², plain gradient descent):

* every neuron has its own bias, and biases are trained (the original shares
  one bias per layer and never moves it);
* ``squash`` cannot overflow for large negative net inputs;
* the hidden deltas use the output weights *before* they are stepped (the
  original gets this right only because of the order of its loops; here it
  is explicit);
* ``calculate_pd_total_net_input_wrt_input`` keeps its original name but the
  docstring says what it is: ∂out/∂net.

It is deliberately not tuned.  Do not import it from ``neuronsim``.
"""

import math


class Neuron:
    def __init__(self, bias):
        self.bias = bias
        self.weights = []
        self.inputs = []
        self.output = 0.0

    def calculate_output(self, inputs):
        self.inputs = inputs
        self.output = self.squash(self.calculate_total_net_input())
        return self.output

    def calculate_total_net_input(self):
        total = 0.0
        for i in range(len(self.inputs)):
            total += self.inputs[i] * self.weights[i]
        return total + self.bias

    def squash(self, total_net_input):
        """The logistic function (written so that exp never overflows)."""
        if total_net_input >= 0.0:
            return 1.0 / (1.0 + math.exp(-total_net_input))
        e = math.exp(total_net_input)
        return e / (1.0 + e)

    def calculate_pd_error_wrt_total_net_input(self, target_output):
        """δ = ∂E/∂out × ∂out/∂net."""
        return (self.calculate_pd_error_wrt_output(target_output)
                * self.calculate_pd_total_net_input_wrt_input())

    def calculate_error(self, target_output):
        return 0.5 * (target_output - self.output) ** 2

    def calculate_pd_error_wrt_output(self, target_output):
        """∂E/∂out = −(target − out)."""
        return -(target_output - self.output)

    def calculate_pd_total_net_input_wrt_input(self):
        """∂out/∂net = out·(1 − out) (the original's name for it)."""
        return self.output * (1.0 - self.output)

    def calculate_pd_total_net_input_wrt_weight(self, index):
        """∂net/∂w_index = input_index."""
        return self.inputs[index]


class NeuronLayer:
    def __init__(self, num_neurons, biases):
        self.neurons = []
        for i in range(num_neurons):
            self.neurons.append(Neuron(biases[i]))

    def feed_forward(self, inputs):
        outputs = []
        for neuron in self.neurons:
            outputs.append(neuron.calculate_output(inputs))
        return outputs

    def get_outputs(self):
        outputs = []
        for neuron in self.neurons:
            outputs.append(neuron.output)
        return outputs


class NeuralNetwork:
    """One hidden layer, sigmoid everywhere, squared error, as in the worked example."""

    def __init__(self, num_inputs, num_hidden, num_outputs, hidden_layer_weights,
                 hidden_layer_biases, output_layer_weights, output_layer_biases,
                 learning_rate=0.5):
        self.LEARNING_RATE = learning_rate
        self.num_inputs = num_inputs
        self.hidden_layer = NeuronLayer(num_hidden, hidden_layer_biases)
        self.output_layer = NeuronLayer(num_outputs, output_layer_biases)
        self.init_weights_from_inputs_to_hidden_layer_neurons(hidden_layer_weights)
        self.init_weights_from_hidden_layer_neurons_to_output_layer_neurons(output_layer_weights)

    def init_weights_from_inputs_to_hidden_layer_neurons(self, hidden_layer_weights):
        weight_num = 0
        for h in range(len(self.hidden_layer.neurons)):
            for i in range(self.num_inputs):
                self.hidden_layer.neurons[h].weights.append(hidden_layer_weights[weight_num])
                weight_num += 1

    def init_weights_from_hidden_layer_neurons_to_output_layer_neurons(self, output_layer_weights):
        weight_num = 0
        for o in range(len(self.output_layer.neurons)):
            for h in range(len(self.hidden_layer.neurons)):
                self.output_layer.neurons[o].weights.append(output_layer_weights[weight_num])
                weight_num += 1

    def feed_forward(self, inputs):
        hidden_layer_outputs = self.hidden_layer.feed_forward(inputs)
        return self.output_layer.feed_forward(hidden_layer_outputs)

    def compute_deltas(self, training_inputs, training_outputs):
        """Forward pass, then δ for every output and hidden neuron."""
        self.feed_forward(training_inputs)

        # 1. Output neuron deltas: ∂E/∂net_o
        pd_errors_wrt_output_neuron_total_net_input = [0.0] * len(self.output_layer.neurons)
        for o in range(len(self.output_layer.neurons)):
            pd_errors_wrt_output_neuron_total_net_input[o] = \
                self.output_layer.neurons[o].calculate_pd_error_wrt_total_net_input(
                    training_outputs[o])

        # 2. Hidden neuron deltas: ∂E/∂out_h = Σ_o δ_o·w_ho, then × ∂out_h/∂net_h
        pd_errors_wrt_hidden_neuron_total_net_input = [0.0] * len(self.hidden_layer.neurons)
        for h in range(len(self.hidden_layer.neurons)):
            d_error_wrt_hidden_neuron_output = 0.0
            for o in range(len(self.output_layer.neurons)):
                d_error_wrt_hidden_neuron_output += \
                    pd_errors_wrt_output_neuron_total_net_input[o] \
                    * self.output_layer.neurons[o].weights[h]
            pd_errors_wrt_hidden_neuron_total_net_input[h] = \
                d_error_wrt_hidden_neuron_output \
                * self.hidden_layer.neurons[h].calculate_pd_total_net_input_wrt_input()
        return (pd_errors_wrt_output_neuron_total_net_input,
                pd_errors_wrt_hidden_neuron_total_net_input)

    def train(self, training_inputs, training_outputs):
        """One online gradient-descent step on one sample."""
        output_deltas, hidden_deltas = self.compute_deltas(training_inputs, training_outputs)

        # 3. Update output neuron weights (and biases)
        for o in range(len(self.output_layer.neurons)):
            for w_ho in range(len(self.output_layer.neurons[o].weights)):
                pd_error_wrt_weight = output_deltas[o] * \
                    self.output_layer.neurons[o].calculate_pd_total_net_input_wrt_weight(w_ho)
                self.output_layer.neurons[o].weights[w_ho] -= \
                    self.LEARNING_RATE * pd_error_wrt_weight
            self.output_layer.neurons[o].bias -= self.LEARNING_RATE * output_deltas[o]

        # 4. Update hidden neuron weights (and biases)
        for h in range(len(self.hidden_layer.neurons)):
            for w_ih in range(len(self.hidden_layer.neurons[h].weights)):
                pd_error_wrt_weight = hidden_deltas[h] * \
                    self.hidden_layer.neurons[h].calculate_pd_total_net_input_wrt_weight(w_ih)
                self.hidden_layer.neurons[h].weights[w_ih] -= \
                    self.LEARNING_RATE * pd_error_wrt_weight
            self.hidden_layer.neurons[h].bias -= self.LEARNING_RATE * hidden_deltas[h]

    def train_batch(self, batch):
        """One mini-batch step: w ← w − η·(1/m)·Σ_samples ∂E/∂w, in the same style."""
        hidden = self.hidden_layer.neurons
        output = self.output_layer.neurons
        hidden_sums = [[0.0] * len(n.weights) for n in hidden]
        output_sums = [[0.0] * len(n.weights) for n in output]
        hidden_bias_sums = [0.0] * len(hidden)
        output_bias_sums = [0.0] * len(output)
        for training_inputs, training_outputs in batch:
            output_deltas, hidden_deltas = self.compute_deltas(training_inputs, training_outputs)
            for o in range(len(output)):
                for w_ho in range(len(output[o].weights)):
                    output_sums[o][w_ho] += output_deltas[o] * \
                        output[o].calculate_pd_total_net_input_wrt_weight(w_ho)
                output_bias_sums[o] += output_deltas[o]
            for h in range(len(hidden)):
                for w_ih in range(len(hidden[h].weights)):
                    hidden_sums[h][w_ih] += hidden_deltas[h] * \
                        hidden[h].calculate_pd_total_net_input_wrt_weight(w_ih)
                hidden_bias_sums[h] += hidden_deltas[h]
        rate = self.LEARNING_RATE / len(batch)
        for o in range(len(output)):
            for w_ho in range(len(output[o].weights)):
                output[o].weights[w_ho] -= rate * output_sums[o][w_ho]
            output[o].bias -= rate * output_bias_sums[o]
        for h in range(len(hidden)):
            for w_ih in range(len(hidden[h].weights)):
                hidden[h].weights[w_ih] -= rate * hidden_sums[h][w_ih]
            hidden[h].bias -= rate * hidden_bias_sums[h]

    def calculate_total_error(self, training_sets):
        total_error = 0.0
        for training_inputs, training_outputs in training_sets:
            self.feed_forward(training_inputs)
            for o in range(len(training_outputs)):
                total_error += self.output_layer.neurons[o].calculate_error(training_outputs[o])
        return total_error
