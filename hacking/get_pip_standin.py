# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-in for ansible-test's get-pip.py, whose download host is out of reach here.

`make` copies this file to ~/.ansible/test/cache/get_pip_<version>.py with pip's wheel, taken
from the package index, beside it. ansible-test runs it inside a fresh virtual environment with
pip's own arguments (for example `--disable-pip-version-check pip==24.2 --no-setuptools --no-wheel`);
it runs pip from that wheel to install the requested pip, offline, from the same folder.
"""

import glob
import os
import runpy
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ARGS = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
WHEELS = sorted(glob.glob(os.path.join(HERE, "pip-*-py3-none-any.whl")))
if not WHEELS:
    sys.exit(f"no pip wheel beside {__file__}: run `make bootstrap-ansible-test`")
sys.path.insert(0, WHEELS[-1])
sys.argv = ["pip", "install", "--no-index", "--find-links", HERE] + ARGS
runpy.run_module("pip", run_name="__main__", alter_sys=True)
