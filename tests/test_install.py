"""A user installs from a wheel, not a checkout: the wheel carries the grammar, the templates
and the clang-format style, and a fresh virtualenv outside the repository compiles and runs a
kernel with it (the command line and the Python API)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv

import pytest

from codegen_support import ROOT


def _clean_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin directory of a fresh virtualenv with the wheel installed, a work directory)."""
    root = tmp_path_factory.mktemp("install")
    wheels = root / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w",
                    str(wheels)], check=True, env=_clean_env(), cwd=root)
    (wheel,) = wheels.glob("pypto_dsl-*.whl")
    env_dir = root / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    subprocess.run([str(bin_dir / "pip"), "install", "-q", str(wheel)], check=True,
                   env=_clean_env(), cwd=root)
    work = root / "work"
    work.mkdir()
    for name in ("gemm_epilogue.pdsl", "gemm_epilogue.golden.py"):
        shutil.copy(ROOT / "kernels" / name, work / name)
    return bin_dir, work


def test_the_installed_command_compiles_and_checks_a_kernel(installed):
    bin_dir, work = installed

    compiled = subprocess.run([str(bin_dir / "pypto-dsl"), "compile", "gemm_epilogue.pdsl",
                               "-o", "out"], cwd=work, env=_clean_env(), capture_output=True,
                              text=True)
    checked = subprocess.run([str(bin_dir / "pypto-dsl"), "run", "gemm_epilogue.pdsl",
                              "--check"], cwd=work, env=_clean_env(), capture_output=True,
                             text=True)

    assert compiled.returncode == 0, compiled.stderr
    assert (work / "out" / "gemm_epilogue" / "kernels" / "aic" / "gemm_epilogue_aic.cpp").exists()
    assert checked.returncode == 0 and "PASS" in checked.stdout, checked.stdout + checked.stderr


def test_the_installed_package_is_the_wheel_not_the_checkout(installed):
    bin_dir, work = installed

    where = subprocess.run([str(bin_dir / "python"), "-c",
                            "import pypto_dsl, pypto_dsl.codegen.output as o; "
                            "print(pypto_dsl.__file__); print(o.TEMPLATES.is_dir())"],
                           cwd=work, env=_clean_env(), capture_output=True, text=True)

    assert str(ROOT) not in where.stdout and "site-packages" in where.stdout, where.stdout
    assert where.stdout.splitlines()[1] == "True"


def test_the_installed_python_api_runs_a_kernel(installed):
    bin_dir, work = installed
    script = ("import numpy as np, pypto_dsl\n"
              "k = pypto_dsl.Kernel.from_file('gemm_epilogue.pdsl')\n"
              "print(k.run_case().passed, k.compile('api_out').name)\n")

    result = subprocess.run([str(bin_dir / "python"), "-c", script], cwd=work,
                            env=_clean_env(), capture_output=True, text=True)

    assert result.stdout.split() == ["True", "gemm_epilogue"], result.stdout + result.stderr
