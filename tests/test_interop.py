"""from_sklearn and from_torch: the imported network's feed_forward is the source
model's prediction to 1e-12; unsupported layers are errors naming the layer; and the
whole road, scikit-learn → neuronsim → C on the emulated Cortex-M.

Needs scikit-learn and PyTorch (test-only, CI's job 'interop'); skips without them,
and fails instead where NEURONSIM_REQUIRE names sklearn/torch.
"""

import importlib
import os

import pytest

pytestmark = pytest.mark.filterwarnings("ignore::Warning")   # scikit-learn's convergence

from neuronsim.interop import from_sklearn, from_torch


def need(module):
    try:
        return importlib.import_module(module)
    except ImportError:
        if module.split(".")[0] in os.environ.get("NEURONSIM_REQUIRE", "").split(","):
            pytest.fail("%s is required here (NEURONSIM_REQUIRE) but missing" % module)
        pytest.skip("%s not installed" % module)


def worst(a, b):
    return max(abs(x - y) for row_a, row_b in zip(a, b) for x, y in zip(row_a, row_b))


@pytest.fixture(scope="module")
def digits():
    datasets = need("sklearn.datasets")
    data = datasets.load_digits()
    return data.data / 16.0, data.target


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu"])
@pytest.mark.parametrize("hidden", [(16,), (12, 8)])
def test_from_sklearn_classifier_is_predict_proba(digits, activation, hidden):
    neural = need("sklearn.neural_network")
    X, y = digits
    model = neural.MLPClassifier(hidden_layer_sizes=hidden, activation=activation, max_iter=30, random_state=1)
    model.fit(X[:400], y[:400])   # not converged in 30 iterations: fine for a round trip
    net = from_sklearn(model)
    assert net.layer_sizes == [64] + list(hidden) + [10]
    assert net.layers[-1].activation.name == "softmax"
    expected = model.predict_proba(X[400:600]).tolist()
    assert worst([net.feed_forward(row) for row in X[400:600].tolist()], expected) <= 1e-12


def test_from_sklearn_binary_classifier_and_regressor(digits):
    neural = need("sklearn.neural_network")
    X, y = digits
    binary = neural.MLPClassifier(hidden_layer_sizes=(10,), activation="tanh", max_iter=300, random_state=2)
    binary.fit(X[:500], y[:500] % 2)
    net = from_sklearn(binary)
    assert net.layers[-1].activation.name == "sigmoid" and net.num_outputs == 1
    probabilities = binary.predict_proba(X[500:700])[:, 1].tolist()
    assert worst([net.feed_forward(row) for row in X[500:700].tolist()],
                 [[p] for p in probabilities]) <= 1e-12
    regressor = neural.MLPRegressor(hidden_layer_sizes=(20, 10), activation="relu", max_iter=300, random_state=3)
    regressor.fit(X[:500], y[:500] / 9.0)
    net = from_sklearn(regressor)
    assert net.layers[-1].activation.name == "linear"
    assert worst([net.feed_forward(row) for row in X[500:700].tolist()],
                 [[p] for p in regressor.predict(X[500:700]).tolist()]) <= 1e-12


def test_from_sklearn_errors():
    neural = need("sklearn.neural_network")
    with pytest.raises(ValueError, match="MLPClassifier has no coefs_"):
        from_sklearn(neural.MLPClassifier())
    with pytest.raises(ValueError, match="no coefs_"):
        from_sklearn(object())


@pytest.mark.parametrize("activation", ["ReLU", "Tanh", "Sigmoid", "LeakyReLU", "Identity"])
def test_from_torch_is_the_module_in_float64(activation):
    torch = need("torch")
    nn = torch.nn
    torch.manual_seed(4)
    module = nn.Sequential(nn.Linear(6, 9), getattr(nn, activation)(), nn.Dropout(0.1),
                           nn.Linear(9, 7), getattr(nn, activation)(), nn.Linear(7, 4),
                           nn.Softmax(dim=-1))
    module.eval()
    net = from_torch(module)
    assert net.layer_sizes == [6, 9, 7, 4]
    inputs = torch.randn(100, 6, dtype=torch.float64) * 3
    with torch.no_grad():
        expected = module.double()(inputs).tolist()
    assert worst([net.feed_forward(row) for row in inputs.tolist()], expected) <= 1e-12


def test_from_torch_float32_is_read_exactly():
    torch = need("torch")
    nn = torch.nn
    torch.manual_seed(5)
    module = nn.Sequential(nn.Linear(3, 5), nn.Tanh(), nn.Linear(5, 2))
    net = from_torch(module)
    assert net.layers[0].neurons[0].weights == module[0].weight[0].tolist()
    with torch.no_grad():
        single = module(torch.ones(1, 3)).tolist()[0]
    assert worst([net.feed_forward([1.0, 1.0, 1.0])], [single]) <= 1e-6


def test_from_torch_keeps_an_activation_per_layer():
    torch = need("torch")
    nn = torch.nn
    torch.manual_seed(3)
    module = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 5), nn.Tanh(),
                           nn.Linear(5, 2), nn.Sigmoid())
    net = from_torch(module)
    assert [layer.activation.name for layer in net.layers] == ["relu", "tanh", "sigmoid"]
    rows = [[0.5, -1.0, 2.0], [0.0, 0.25, -0.75]]
    with torch.no_grad():
        expected = module.double()(torch.tensor(rows, dtype=torch.float64)).tolist()
    assert worst([net.feed_forward(row) for row in rows], expected) <= 1e-12


def test_from_torch_errors_name_the_layer():
    torch = need("torch")
    nn = torch.nn
    with pytest.raises(ValueError, match=r"layer 2 \(Conv1d\): unsupported"):
        from_torch(nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Conv1d(1, 1, 1)))
    with pytest.raises(ValueError, match=r"layer 1 \(LeakyReLU\): negative_slope 0.2"):
        from_torch(nn.Sequential(nn.Linear(3, 4), nn.LeakyReLU(0.2), nn.Linear(4, 1)))
    with pytest.raises(ValueError, match=r"layer 1 \(Softmax\): softmax works only on the out"):
        from_torch(nn.Sequential(nn.Linear(3, 4), nn.Softmax(dim=1), nn.Linear(4, 1)))
    with pytest.raises(ValueError, match="at least one hidden layer"):
        from_torch(nn.Sequential(nn.Linear(3, 4)))
    with pytest.raises(ValueError, match=r"layer 0 \(ReLU\): an activation must follow"):
        from_torch(nn.Sequential(nn.ReLU(), nn.Linear(3, 4)))


def test_the_road_sklearn_to_c_on_cortex_m(tmp_path, digits):
    """scikit-learn MLP → neuronsim → C (double, float, int16) → Cortex-M4F and M3
    under QEMU: self-tests pass; predictions agree with scikit-learn."""
    neural = need("sklearn.neural_network")
    from export_tools import arm_program, require, run_qemu
    from neuronsim.export import c as c_target

    require("arm-none-eabi-gcc")
    require("qemu-system-arm")
    X, y = digits
    model = neural.MLPClassifier(hidden_layer_sizes=(32,), activation="relu", max_iter=200, random_state=0)
    model.fit(X[:1200], y[:1200])
    net = from_sklearn(model)
    train, test = X[:1200].tolist(), X[1200:1300].tolist()
    expected = model.predict_proba(X[1200:1300]).tolist()
    for type, bound in (("double", 1e-12), ("float", 1e-5), ("int16", 0.01)):
        result = c_target.build(net, type, selftest=10, data=train)
        rows = test if type != "int16" else [c_target.quantize_inputs(result.plan, r)
                                             for r in test]
        for cpu in ("cortex-m4f", "cortex-m3"):
            directory = tmp_path / (type + cpu)
            directory.mkdir()
            outputs, failures = run_qemu(arm_program(directory, result.text, type, rows, cpu),
                                         cpu, type)
            assert failures == 0
            if type == "int16":
                outputs = [[y / 32768.0 for y in row] for row in outputs]
            assert worst(outputs, expected) <= bound, (type, cpu, worst(outputs, expected))
            agree = sum(o.index(max(o)) == e.index(max(e)) for o, e in zip(outputs, expected))
            assert agree >= 99, (type, cpu, agree)
