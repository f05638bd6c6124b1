# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Print the pip version that the installed ansible-test bootstraps into its virtual environments."""

import re
from pathlib import Path

import ansible_test

SOURCE = Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
print(" ".join(sorted(set(re.findall(r"pip='([0-9.]+)'", SOURCE.read_text())))))
