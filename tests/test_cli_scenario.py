"""quizgen scenario from the command line: files, seeds, errors, and the net commands on them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from tests.support import invoke


def test_writes_a_file_the_net_commands_load(tmp_path: Path) -> None:
    out = tmp_path / "lab" / "scenario.yaml"
    code, stdout, stderr = invoke(
        "scenario",
        "--seed",
        "42",
        "--shape",
        "hub-spoke-gateway",
        "--fault",
        "spoke-remote-gateways-off",
        "-o",
        str(out),
    )
    assert (code, stdout) == (0, "")
    assert f"wrote {out}" in stderr and "seed 42" in stderr
    section = yaml.safe_load(out.read_text())["scenario"]
    probe = section["faults"][0]["probes"][0]["args"]
    code, stdout, _ = invoke(
        "net",
        "reach",
        str(out),
        "--from",
        probe["from"],
        "--to",
        probe["to"],
        "--protocol",
        probe["protocol"],
        "--port",
        str(probe["port"]),
        "--json",
    )
    assert code == 0 and json.loads(stdout)["reason"] == "gateway-transit-not-enabled"
    assert invoke("net", "peerings", str(out))[0] == 0


def test_never_overwrites_without_force(tmp_path: Path) -> None:
    out = tmp_path / "mine.yaml"
    out.write_text("my notes\n")
    code, _, stderr = invoke("scenario", "--seed", "1", "-o", str(out))
    assert code == 2 and "already exists" in stderr and "--force" in stderr
    assert out.read_text() == "my notes\n"
    code, _, _ = invoke("scenario", "--seed", "1", "-o", str(out), "--force")
    assert code == 0 and "scenario:" in out.read_text()


def test_stdout_and_the_drawn_seed() -> None:
    code, stdout, stderr = invoke("scenario", "--shape", "two-vnets")
    assert code == 0 and stdout.startswith("vnets:")
    seed = int(stderr.split("seed: ")[1].split()[0])
    again = invoke("scenario", "--shape", "two-vnets", "--seed", str(seed))
    assert again[1] == stdout  # the printed seed gives the same scenario back


def test_same_seed_same_bytes_across_processes() -> None:
    def once() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "quizgen", "scenario", "--seed", "7", "--size", "medium"],
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    assert once() == once()


def test_errors_are_clean() -> None:
    code, _, stderr = invoke("scenario", "--fault", "forwarded-traffic-off")
    assert code == 2 and "UNCONFIRMED" in stderr and "Traceback" not in stderr
    code, _, stderr = invoke("scenario", "--fault", "no-such-fault")
    assert code == 2 and "unknown fault 'no-such-fault'" in stderr
    code, _, stderr = invoke("scenario", "--shape", "mesh", "--fault", "basic-sku-gateway")
    assert code == 2 and "hub-spoke-gateway" in stderr
    code, _, stderr = invoke("scenario", "--shape", "ring")
    assert code == 2 and "ring" in stderr


def test_list_faults() -> None:
    from quizgen.generator.faults import CATALOGUE, WITHHELD

    code, stdout, _ = invoke("scenario", "--list-faults")
    assert code == 0
    for kind in (*CATALOGUE, *WITHHELD):
        assert kind in stdout


def test_same_seed_same_bytes_whatever_the_hash_seed() -> None:
    """Nothing depends on set or dict ordering of strings (PYTHONHASHSEED varies per process)."""
    import os

    outputs = set()
    for hash_seed in ("0", "1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "quizgen",
                "scenario",
                "--seed",
                "7",
                "--shape",
                "mesh",
                "--fault",
                "non-transitive",
            ],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        outputs.add(done.stdout)
    assert len(outputs) == 1


def test_output_paths_that_would_lose_something_are_refused(tmp_path: Path) -> None:
    target = tmp_path / "real.yaml"
    target.write_text("keep me\n")
    link = tmp_path / "link.yaml"
    link.symlink_to(target)
    for path, fragment in (
        (str(tmp_path), "not a regular file"),
        (str(link), "not a regular file"),
        ("", "empty path"),
        ("/proc/nope/x.yaml", "cannot write"),
    ):
        code, _, stderr = invoke("scenario", "--seed", "1", "-o", path, "--force")
        assert code == 2 and fragment in stderr and "Traceback" not in stderr
    assert target.read_text() == "keep me\n" and link.is_symlink()
    assert not list(tmp_path.glob("*.tmp"))


def test_written_files_get_the_usual_permissions(tmp_path: Path) -> None:
    import os

    out = tmp_path / "lab.yaml"
    assert invoke("scenario", "--seed", "1", "-o", str(out))[0] == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_lab_file_leaves_out_the_answer(tmp_path: Path) -> None:
    full, lab = tmp_path / "full.yaml", tmp_path / "lab.yaml"
    assert invoke("scenario", "--seed", "9", "-o", str(full))[0] == 0
    assert invoke("scenario", "--seed", "9", "--lab", "-o", str(lab))[0] == 0
    with_section = yaml.safe_load(full.read_text())
    without = yaml.safe_load(lab.read_text())
    assert "scenario" not in without
    assert without == {k: v for k, v in with_section.items() if k != "scenario"}
