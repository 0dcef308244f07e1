"""Package discovery for zkel: the top-level folders map to ``zkel.<folder>``.

``pyproject.toml`` holds the metadata; this file only lists the import packages,
so that ``circuits/`` installs as ``zkel.circuits`` (and so on) and no generic
top-level module name leaks into a user's environment.
"""

from setuptools import find_packages, setup

FOLDERS = ("circuits", "gateware", "host", "hw")

packages = ["zkel"]
package_dir = {"zkel": "zkel"}
for folder in FOLDERS:
    package_dir[f"zkel.{folder}"] = folder
    packages.append(f"zkel.{folder}")
    packages.extend(f"zkel.{folder}.{sub}" for sub in find_packages(folder))

setup(packages=packages, package_dir=package_dir)
