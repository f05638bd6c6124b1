# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Write a module's EXAMPLES, as written, to a task file, so that integration tests run them.

Usage: python hacking/extract_examples.py plugins/modules/MODULE.py OUTPUT.yml
The module file is parsed, not imported: EXAMPLES is read from its source.
"""

import ast
import sys


def examples(module_path: str) -> str:
    with open(module_path, encoding="utf-8") as source:
        tree = ast.parse(source.read(), module_path)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "EXAMPLES" for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit(f"{module_path} has no EXAMPLES")


def main() -> None:
    module_path, output = sys.argv[1:3]
    with open(output, "w", encoding="utf-8") as out:
        out.write(f"---\n# Generated from {module_path} EXAMPLES by hacking/extract_examples.py; do not edit.\n")
        out.write(examples(module_path).lstrip("\n"))


if __name__ == "__main__":
    main()
