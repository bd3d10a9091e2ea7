"""Reads every .yaml file under a folder with PyYAML (a YAML 1.1 reader) and prints one JSON object on stdout:
{"relative/path.yaml": <data>, ...}. Values JSON cannot hold are tagged so a test sees how PyYAML typed them:
dates and times as {"$timestamp": "..."}, infinities and NaN as {"$float": ".inf"}, and keys that are not strings
as "$key:<type>:<value>". A file PyYAML cannot read gives {"$error": "..."}."""
import datetime
import json
import math
import os
import sys

import yaml


def tag(value):
    if isinstance(value, dict):
        return {k if isinstance(k, str) else f"$key:{type(k).__name__}:{k}": tag(v) for k, v in value.items()}
    if isinstance(value, list):
        return [tag(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return {"$timestamp": value.isoformat()}
    if isinstance(value, float) and not math.isfinite(value):
        return {"$float": ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")}
    if isinstance(value, (bytes, set, tuple)):
        return {"$other": f"{type(value).__name__}:{value!r}"}
    return value


def main(root):
    result = {}
    for folder, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith(".yaml"):
                continue
            path = os.path.join(folder, name)
            key = os.path.relpath(path, root).replace(os.sep, "/")
            try:
                with open(path, encoding="utf-8") as stream:
                    result[key] = tag(yaml.safe_load(stream))
            except Exception as error:  # every failure is a finding for the test, not a crash of the script
                result[key] = {"$error": f"{type(error).__name__}: {error}"}
    json.dump(result, sys.stdout, ensure_ascii=False, allow_nan=False)


if __name__ == "__main__":
    main(sys.argv[1])
