"""Smoke: the worked example's numbers, to 1e-9, on whatever interpreter runs this.

The reference numbers are the worked example's (a 2-2-2 sigmoid network,
biases fixed, inputs 0.05, 0.1, targets 0.01, 0.99, learning rate 0.5).
"""

import smoke
from neuronsim import NeuralNetwork

TOL = 1e-9
INPUTS, TARGETS = [0.05, 0.1], [0.01, 0.99]


def worked_example():
    return NeuralNetwork(2, 2, 2,
                         hidden_layer_weights=[0.15, 0.2, 0.25, 0.3], hidden_layer_bias=0.35,
                         output_layer_weights=[0.4, 0.45, 0.5, 0.55], output_layer_bias=0.6,
                         train_biases=False)


net = worked_example()
outputs = net.feed_forward(INPUTS)
h1, h2 = net.hidden_layer.neurons
o1, o2 = net.output_layer.neurons
smoke.close("net_h1", h1.net_input, 0.3775, TOL)
smoke.close("out_h1, out_h2", [h1.output, h2.output], [0.593269992, 0.596884378], TOL)
smoke.close("net_o1", o1.net_input, 1.105905967, TOL)
smoke.close("out_o1, out_o2", outputs, [0.751365070, 0.772928465], TOL)
smoke.close("E_o1, E_o2", net.calculate_output_errors(INPUTS, TARGETS), [0.274811083, 0.0235600256], TOL)

error = net.backprop(INPUTS, TARGETS)
smoke.close("E_total", error, 0.298371109, TOL)
smoke.close("dE/dout_o1", o1.pd_error_wrt_output, 0.741365070, TOL)
smoke.close("dout_o1/dnet_o1", o1.activation.derivative(o1.net_input, o1.output), 0.186815602, TOL)
smoke.close("delta_o1", o1.delta, 0.138498562, TOL)
smoke.close("dE/dw5", o1.weight_gradients[0], 0.0821670406, TOL)
smoke.close("dE/dout_h1", h1.pd_error_wrt_output, 0.0363503064, TOL)
smoke.close("dE/dw1", h1.weight_gradients[0], 0.000438567734, TOL)

net.train(INPUTS, TARGETS)
smoke.close("w1+ .. w4+", [w for n in net.hidden_layer.neurons for w in n.weights],
            [0.149780716, 0.199561432, 0.249751144, 0.299502287], TOL)
smoke.close("w5+ .. w8+", [w for n in net.output_layer.neurons for w in n.weights],
            [0.358916480, 0.408666186, 0.511301270, 0.561370121], TOL)
after = net.calculate_total_error([(INPUTS, TARGETS)])
smoke.close("E after one step", after, 0.291027774, TOL)
smoke.check("not the source's erratum 0.291027924", abs(after - 0.291027924) > 1e-7, repr(after))

smoke.done()
