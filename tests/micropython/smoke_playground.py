"""Smoke: the playground's driver, as the page's worker runs it (JSON text in and out).

Under MicroPython 1.27 this is the very interpreter the page uses; under
CPython and PyPy it keeps the driver plain Python.
"""

import json

import smoke
from neuronsim import NeuralNetwork
from neuronsim.playground import driver


def call(request):
    return json.loads(driver.handle(json.dumps(request)))


reply = call({"cmd": "about"})
smoke.check("about", reply["ok"] and reply["exports"][:2] == ["json", "python"], repr(reply))

# The worked example: every number the browser test checks.
reply = call({"cmd": "init", "config": {"data": "worked"}})
smoke.check("worked: E_total", reply["ok"] and reply["sample"]["error"]["text"] == "0.298371109",
            repr(reply.get("error") or reply["sample"]["error"]))
reply = call({"cmd": "select", "what": "weight", "layer": 1, "neuron": 0, "weight": 0})
lines = [eq["line"] for eq in reply["detail"]["equations"]]
smoke.check("worked: the chain rule of w5", lines[4] == (
    "∂E/∂w5 = ∂E/∂out_o1 × ∂out_o1/∂net_o1 × ∂net_o1/∂w5 = 0.74136507 × 0.186815602 "
    "× 0.593269992 = 0.0821670406"), repr(lines))
reply = call({"cmd": "step_sample"})
smoke.check("worked: E_total after one step", reply["sample"]["error"]["text"] == "0.291027774",
            repr(reply["sample"]["error"]))
smoke.check("worked: the grid is drawn", len(reply["grid"]["neurons"][1][0]) == driver.GRID ** 2,
            repr(len(reply["grid"]["neurons"][1][0])))
text = call({"cmd": "explain"})["text"]
smoke.check("worked: explain from the page", "w5+ = w5 − η·∂E/∂w5" in text, text[:200])

# XOR on 2-4-1 trains below 0.01.
reply = call({"cmd": "init", "config": {"data": "xor", "layers": [[4, "tanh"]],
                                        "learning_rate": 0.5, "seed": 1}})
for _ in range(60):
    reply = call({"cmd": "step_epoch"})
    if reply["history"]["train"][-1] < 0.01:
        break
smoke.check("xor 2-4-1 below 0.01", reply["history"]["train"][-1] < 0.01,
            repr(reply["history"]["train"][-5:]))

# The model the page downloads predicts what the page shows.
shown = [float(v) for v in reply["sample"]["outputs_text"]]
inputs = [float(v) for v in reply["sample"]["inputs_text"]]
document = json.loads(call({"cmd": "export", "format": "json"})["text"])
smoke.check("model json predicts the same", NeuralNetwork.from_dict(document).predict(inputs) == shown,
            repr(shown))
module = call({"cmd": "export", "format": "python"})
smoke.check("python module exported", "def predict(inputs)" in module["text"], module.get("error"))

# The address restores the same network.
state = call({"cmd": "state"})
again = call({"cmd": "init", "config": state["config"], "weights": state["weights"]})
smoke.check("state restores the weights", again["layers"] == reply["layers"], "")

# A CSV file with class labels, softmax, Adam.
rows = ["a,b,kind"]
for i in range(40):
    x = (i % 10) / 10.0
    y = (i // 10) / 4.0
    rows.append("%r,%r,%s" % (x, y, "big" if x + y > 0.8 else "small"))
reply = call({"cmd": "load_csv", "name": "toy.csv", "text": "\n".join(rows),
              "config": {"layers": [[4, "tanh"]], "output": "softmax", "cost": "cross_entropy",
                         "optimizer": "adam", "learning_rate": 0.05}})
smoke.check("csv loads", reply["ok"] and reply["classes"] == ["big", "small"], repr(reply.get("error")))
for _ in range(15):
    reply = call({"cmd": "step_epoch"})
smoke.check("csv trains", reply["scores"]["train"]["accuracy"] >= 0.8, repr(reply["scores"]))
bad = call({"cmd": "load_csv", "name": "bad.csv", "text": "a,b\n1,2\n3\n"})
smoke.check("csv error names the line", bad["error"] == "bad.csv, line 3: expected 2 columns "
            "like the first row, got 1", repr(bad))

smoke.done()
