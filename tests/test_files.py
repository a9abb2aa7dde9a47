"""Safe writes (neuronsim/files.py): checked destinations, atomic replacement, links kept."""

import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile

import pytest
from hypothesis import given, settings, strategies as st

from neuronsim import NeuralNetwork
from neuronsim.files import DestinationError, check_destination, write_file

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def listing(folder):
    return sorted(os.listdir(str(folder)))


def test_a_new_file_gets_its_contents_and_the_mode_open_would_give(tmp_path):
    path = tmp_path / "new.txt"
    write_file(str(path), "héllo\n")
    assert path.read_bytes() == "héllo\n".encode("utf-8")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o666 & ~umask
    assert listing(tmp_path) == ["new.txt"]


def test_bytes_and_path_objects_are_accepted(tmp_path):
    write_file(tmp_path / "b.bin", b"\x00\xff")
    assert (tmp_path / "b.bin").read_bytes() == b"\x00\xff"


@settings(deadline=None, max_examples=25)
@given(st.binary(max_size=300) | st.text(max_size=100))
def test_whatever_is_written_reads_back_exactly(data):
    folder = tempfile.mkdtemp()
    try:
        path = os.path.join(folder, "f")
        write_file(path, "old")
        write_file(path, data)
        with open(path, "rb") as handle:
            assert handle.read() == (data.encode("utf-8") if isinstance(data, str) else data)
        assert os.listdir(folder) == ["f"]
    finally:
        shutil.rmtree(folder)


def test_a_symlink_survives_and_its_target_gets_the_new_contents(tmp_path):
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "model.json"
    target.write_text("old")
    os.chmod(str(target), 0o600)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    chain = tmp_path / "chain.json"
    chain.symlink_to(link)
    write_file(str(chain), "new")
    assert chain.is_symlink() and link.is_symlink()
    assert os.readlink(str(link)) == str(target)
    assert target.read_text() == "new"
    assert stat.S_IMODE(os.stat(str(target)).st_mode) == 0o600
    assert listing(tmp_path / "real") == ["model.json"]


def test_a_dangling_symlink_creates_its_target_and_stays_a_link(tmp_path):
    (tmp_path / "real").mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "real" / "later.json")
    write_file(str(link), "made")
    assert link.is_symlink()
    assert (tmp_path / "real" / "later.json").read_text() == "made"


def test_net_save_through_a_symlink_keeps_the_link(tmp_path):
    target = tmp_path / "models" / "v1.json"
    target.parent.mkdir()
    NeuralNetwork(2, 2, 1, seed=1).save(str(target))
    link = tmp_path / "current.json"
    link.symlink_to(target)
    NeuralNetwork(2, 2, 1, seed=2).save(str(link))
    assert link.is_symlink()
    assert NeuralNetwork.load(str(target)).seed == 2


def test_a_file_with_several_hard_links_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "model.json"
    path.write_text("old")
    os.link(str(path), str(tmp_path / "snapshot.json"))
    with pytest.raises(DestinationError) as caught:
        write_file(str(path), "new")
    message = str(caught.value)
    assert message.startswith("path: %s has 2 hard links;" % path)
    assert "remove them, or write to another file" in message
    assert path.read_text() == "old" and (tmp_path / "snapshot.json").read_text() == "old"
    assert os.stat(str(path)).st_nlink == 2
    assert listing(tmp_path) == ["model.json", "snapshot.json"]
    with pytest.raises(DestinationError, match=r"^path: .* has 2 hard links"):
        NeuralNetwork(2, 2, 1, seed=1).save(str(path))      # net.save too
    assert path.read_text() == "old"
    # Once the other name is gone, the file is replaced as usual.
    os.unlink(str(tmp_path / "snapshot.json"))
    write_file(str(path), "new")
    assert path.read_text() == "new"


@pytest.mark.parametrize("make, kind", [
    (lambda p: os.mkdir(p), "is a folder, not a regular file"),
    (lambda p: os.mkfifo(p), "is a named pipe (FIFO), not a regular file"),
    (lambda p: socket.socket(socket.AF_UNIX).bind(p), "is a socket, not a regular file"),
])
def test_folders_pipes_and_sockets_are_refused(tmp_path, make, kind):
    path = str(tmp_path / "x")
    make(path)
    before = os.stat(path)
    with pytest.raises(DestinationError) as caught:
        write_file(path, "data", argument="--out")
    assert str(caught.value) == "--out: %s %s" % (path, kind)
    after = os.stat(path)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)
    assert listing(tmp_path) == ["x"]


def test_a_device_is_refused_before_anything_is_written():
    # Only the check runs here: a test must never risk replacing a device node.
    with pytest.raises(DestinationError, match=r"^--out: /dev/null is a character device, "
                                               r"not a regular file$"):
        check_destination("/dev/null", "--out")


def test_a_symlink_to_a_device_names_the_device(tmp_path):
    link = tmp_path / "out.json"
    link.symlink_to("/dev/null")
    with pytest.raises(DestinationError, match=r"is a character device, not a regular file "
                                               r"\(a link to /dev/null\)"):
        check_destination(str(link), "--out")


@pytest.mark.parametrize("name, problem", [
    ("", "expected a file name, got ''"),
    ("missing/sub/m.json", "cannot be written: no such folder {tmp}/missing/sub"),
    ("newdir/", "names a folder, not a file"),
    ("plain.txt/m.json", "Not a directory"),
    ("loop.json", "Too many levels of symbolic links"),
])
def test_bad_names_are_refused_with_the_callers_path(tmp_path, name, problem):
    (tmp_path / "plain.txt").write_text("x")
    (tmp_path / "loop.json").symlink_to(tmp_path / "loop.json")
    path = os.path.join(str(tmp_path), name) if name else ""
    with pytest.raises(DestinationError) as caught:
        write_file(path, "data", argument="--out")
    message = str(caught.value)
    assert message.startswith("--out: ")
    assert problem.format(tmp=tmp_path) in message
    assert ".tmp" not in message
    assert listing(tmp_path) == ["loop.json", "plain.txt"]


def test_an_input_file_is_never_overwritten(tmp_path):
    data = tmp_path / "train.csv"
    data.write_text("1,2\n")
    alias = tmp_path / "alias.csv"
    alias.symlink_to(data)
    with pytest.raises(DestinationError, match=r"train.csv is the input file: choose another"):
        check_destination(str(data), "--out", inputs=[str(data)])
    with pytest.raises(DestinationError, match=r"alias.csv is the input file .*train.csv: "):
        write_file(str(alias), "x", "--out", inputs=[str(data)])
    assert data.read_text() == "1,2\n"
    # Inputs that do not exist (stdin's '-', a missing file) do not matter.
    check_destination(str(tmp_path / "out.csv"), "--out", inputs=["-", str(tmp_path / "none")])


def test_a_read_only_folder_is_refused_before_any_work(tmp_path):
    """Root may write anywhere, so the check runs as 'nobody' when the tests run as root."""
    base = tempfile.mkdtemp()
    try:
        os.chmod(base, 0o755)
        locked = os.path.join(base, "locked")
        os.mkdir(locked, 0o555)
        os.chmod(locked, 0o555)
        # A copy of the package where 'nobody' can read it (CI's checkout may be private).
        package = os.path.join(base, "package")
        shutil.copytree(os.path.join(ROOT, "neuronsim"), os.path.join(package, "neuronsim"),
                        ignore=shutil.ignore_patterns("__pycache__"))
        for folder, _, names in os.walk(package):
            os.chmod(folder, 0o755)
            for name in names:
                os.chmod(os.path.join(folder, name), 0o644)
        code = ("import sys; sys.path.insert(0, %r)\n"
                "from neuronsim.files import write_file\n"
                "try:\n    write_file(%r, 'x', '--out')\n"
                "except OSError as error:\n    print(error)\n"
                % (package, os.path.join(locked, "m.json")))
        python, options = sys.executable, {}
        if os.geteuid() == 0:
            python = "/usr/bin/python3"   # pyenv's interpreters may be closed to others
            if not os.path.exists(python):
                pytest.skip("running as root and no %s to run as 'nobody'" % python)
            options["preexec_fn"] = lambda: (os.setgid(65534), os.setuid(65534))
        result = subprocess.run([python, "-c", code], capture_output=True, text=True,
                                cwd=base, **options)
        assert result.stderr == ""
        assert result.stdout == ("--out: %s/m.json cannot be written: no permission to create "
                                 "files in %s\n" % (locked, locked))
        assert os.listdir(locked) == []
    finally:
        os.chmod(os.path.join(base, "locked"), 0o755)
        shutil.rmtree(base)


def test_type_errors_name_the_argument(tmp_path):
    with pytest.raises(TypeError, match=r"^--svg: expected a file name \(a str or a path\), "
                                        r"got None"):
        check_destination(None, "--svg")
    with pytest.raises(TypeError, match=r"^data: expected str or bytes, got int"):
        write_file(str(tmp_path / "x"), 5)
    assert listing(tmp_path) == []


def fail_fsync(fd):
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("sabotage, error", [
    (lambda mp: mp.setattr(os, "fsync", fail_fsync), "No space left on device"),
    (lambda mp: mp.setattr(os, "replace", lambda a, b: (_ for _ in ()).throw(
        PermissionError(13, "Permission denied", a))), "Permission denied"),
    (lambda mp: mp.setattr(tempfile, "mkstemp", lambda **k: (_ for _ in ()).throw(
        OSError(122, "Disk quota exceeded", os.path.join(k["dir"], ".x.tmp")))),
     "Disk quota exceeded"),
])
def test_a_failed_write_names_the_callers_path_and_leaves_the_old_file(tmp_path, monkeypatch,
                                                                        sabotage, error):
    path = tmp_path / "model.json"
    path.write_text("old")
    sabotage(monkeypatch)
    with pytest.raises(OSError) as caught:
        write_file(str(path), "new")
    monkeypatch.undo()
    assert caught.value.filename == str(path)
    assert caught.value.strerror == error
    assert ".tmp" not in str(caught.value)
    assert path.read_text() == "old"
    assert listing(tmp_path) == ["model.json"]
