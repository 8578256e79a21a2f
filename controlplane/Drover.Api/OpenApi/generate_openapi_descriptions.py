#!/usr/bin/env python3
"""Writes OpenApiDescriptions.json.gz: Kubernetes' description of every type and field droverd's OpenAPI serves.

Kubernetes' published OpenAPI (kubernetes/kubernetes api/openapi-spec) takes its descriptions from the Go doc comments
of k8s.io/api and k8s.io/apimachinery, through kube-openapi's openapi-gen. This script reads the same comments from
the same two repositories and applies openapi-gen's rules (comment text as go/ast gives it; lines from "---" on, "+tag"
lines and one-line TODOs dropped; lines joined with a space, paragraphs kept, an indented line on a line of its own; a
field of a "+enum" type gets "Possible enum values:" with each constant's value and its comment without the constant's
name, sorted, and the values as "enum"). Run with the two
repositories checked out (git directories or work trees):

    generate_openapi_descriptions.py KUBERNETES_API_DIR APIMACHINERY_DIR [REVISION] | gzip -9n > OpenApiDescriptions.json.gz

REVISION (default v0.32.9, the libraries of Kubernetes 1.32, the minor droverd's API follows) is read from both.
The output is JSON: {"source": ..., "types": {"apps/v1.DeploymentStrategy": {"d": DESCRIPTION, "p": {"type":
{"d": DESCRIPTION, "e": [ENUM...]}, "rollingUpdate": {"d": ..., "r": "apps/v1.RollingUpdateDeployment"}}}}}, for the
types reachable from ROOTS (the kinds droverd serves, as in generate_proto_fields.py). "r" names the type a field holds,
so droverd can walk its own schema alongside (its type names need not be Kubernetes').
"""
import json
import os
import re
import subprocess
import sys

API, MACHINERY = sys.argv[1], sys.argv[2]
REVISION = sys.argv[3] if len(sys.argv) > 3 else "v0.32.9"

# Import path -> (short name, repository, directory).
PACKAGES = {
    "k8s.io/api/core/v1": ("core/v1", API, "core/v1"),
    "k8s.io/api/apps/v1": ("apps/v1", API, "apps/v1"),
    "k8s.io/api/batch/v1": ("batch/v1", API, "batch/v1"),
    "k8s.io/api/networking/v1": ("networking/v1", API, "networking/v1"),
    "k8s.io/api/autoscaling/v2": ("autoscaling/v2", API, "autoscaling/v2"),
    "k8s.io/api/coordination/v1": ("coordination/v1", API, "coordination/v1"),
    "k8s.io/api/discovery/v1": ("discovery/v1", API, "discovery/v1"),
    "k8s.io/apimachinery/pkg/apis/meta/v1": ("meta/v1", MACHINERY, "pkg/apis/meta/v1"),
}
ROOTS = [
    "core/v1.Namespace", "core/v1.Node", "core/v1.Pod", "core/v1.Service", "core/v1.Endpoints", "core/v1.ConfigMap",
    "core/v1.Secret", "core/v1.Event", "discovery/v1.EndpointSlice", "apps/v1.Deployment", "apps/v1.ReplicaSet",
    "apps/v1.DaemonSet", "apps/v1.ControllerRevision", "batch/v1.Job", "batch/v1.CronJob", "networking/v1.Ingress",
    "networking/v1.IngressClass", "autoscaling/v2.HorizontalPodAutoscaler", "coordination/v1.Lease",
]
# Types with a JSON form of their own (strings, numbers): described where used, never walked into.
LEAVES = {"meta/v1.Time", "meta/v1.MicroTime", "meta/v1.Duration", "meta/v1.FieldsV1"}


def git(repo, *args):
    git_dir = repo if os.path.exists(os.path.join(repo, "HEAD")) else os.path.join(repo, ".git")
    return subprocess.run(["git", "--git-dir", git_dir, *args], check=True, capture_output=True, text=True).stdout


def comment_text(raw):
    """The lines of a comment group as go/ast's CommentGroup.Text gives them."""
    lines = []
    for line in raw:
        text = line[2:]
        if re.match(r"^(go|line|export|extern|build)[:\s]", text) and not text.startswith(" "):
            continue                                   # directives are not comment text
        if text.startswith(" "):
            text = text[1:]
        lines.append(text.rstrip())
    out = []
    for line in lines:                                 # runs of empty lines become one
        if line == "" and (not out or out[-1] == ""):
            continue
        out.append(line)
    while out and out[-1] == "":
        out.pop()
    return out


def describe(lines):
    """kube-openapi's generateDescription, without its Go-literal escaping."""
    buffer = ""
    for line in lines:
        if line == "---":
            break
        line = line.rstrip(" ")
        leading = line.lstrip(" ")
        if len(line) == 0:
            buffer = buffer[:-1] if buffer else buffer
            buffer += "\n\n"
        elif leading.startswith("TODO") or leading.startswith("+"):
            continue
        else:
            if line.startswith(" ") or line.startswith("\t"):
                buffer = buffer[:-1] if buffer else buffer
                line = "\n" + line + "\n"
            else:
                line += " "
            buffer += line
    return buffer.lstrip("\n").rstrip("\n").replace('\\"', '"').strip(" ")


structs = {}   # "apps/v1.Deployment" -> (comment lines, [(json name, go type, comment lines, inline)])
enums = {}     # "apps/v1.DeploymentStrategyType" -> [(value, comment)]
imports = {}   # short package -> {alias: short package or None}

for import_path, (short, repo, directory) in PACKAGES.items():
    files = [f for f in git(repo, "ls-tree", "--name-only", REVISION, directory + "/").split()
             if f.endswith(".go") and not f.endswith("_test.go") and not os.path.basename(f).startswith("zz_generated")
             and not os.path.basename(f).startswith("generated")]
    aliases = {}
    for path in files:
        text = git(repo, "show", REVISION + ":" + path)
        for m in re.finditer(r'^\s*(\w+\s+)?"([^"]+)"\s*$', text.split("\n)\n")[0] if "import (" in text else "", re.M):
            target = m.group(2)
            alias = (m.group(1) or "").strip() or target.rsplit("/", 1)[-1]
            aliases[alias] = PACKAGES[target][0] if target in PACKAGES else None
        pending, struct, fields, in_const, enum_types = [], None, None, False, set()
        for line in text.splitlines():
            stripped = line.strip()
            if stripped.startswith("//"):
                pending.append(stripped)
                continue
            if struct is not None:
                if line.startswith("}"):
                    structs[short + "." + struct] = (type_comment, fields)
                    struct = None
                elif f := re.match(r'^\t(?:(\w+)\s+)?([^\s`]+)\s*`([^`]*)`', line):
                    name, gotype, tags = f.group(1), f.group(2), f.group(3)
                    tag = re.search(r'json:"([^"]*)"', tags)
                    json_name = tag.group(1).split(",")[0] if tag else (name or "")
                    inline = tag is not None and ",inline" in tag.group(1) or (name is None and not tag)
                    if json_name != "-":
                        fields.append((json_name, gotype, comment_text(pending), inline))
                pending = []
                continue
            if s := re.match(r"^type (\w+) struct \{", line):
                struct, fields, type_comment = s.group(1), [], comment_text(pending)
            elif e := re.match(r"^type (\w+) string$", line):
                if any(c.strip() == "// +enum" for c in pending):
                    enums.setdefault(short + "." + e.group(1), [])
            elif stripped.startswith("const ("):
                in_const = True
            elif in_const and stripped == ")":
                in_const = False
            elif in_const and (c := re.match(r'^\t(\w+)\s+(\w+)\s*=\s*"([^"]*)"', line)):
                key = short + "." + c.group(2)
                comment = " ".join(l for l in comment_text(pending) if not l.startswith("+")).strip()
                if comment.split(" ", 1)[0] == c.group(1):     # kube-openapi drops the constant's own name
                    comment = comment[len(c.group(1)):].strip()
                enums.setdefault("?" + key, []).append((c.group(3), comment))
            if stripped == "" or not stripped.startswith("//"):
                pending = []
    imports[short] = aliases

for key in [k for k in enums if not k.startswith("?")]:
    enums[key] = sorted(enums.get("?" + key, []))
enums = {k: v for k, v in enums.items() if not k.startswith("?")}


def resolve(gotype, package):
    """A Go field type -> the short key of the struct or enum it holds (None for scalars and other packages)."""
    base = re.sub(r"^(\*|\[\]|map\[string\])+", "", gotype)
    if "." in base:
        alias, _, name = base.partition(".")
        target = imports[package].get(alias)
        return target + "." + name if target else None
    return package + "." + base


types = {}
pending = list(ROOTS)
while pending:
    key = pending.pop()
    if key in types or key in LEAVES:
        continue
    package = key.rpartition(".")[0]
    comment, fields = structs[key]
    properties = {}

    def add(fields, package):
        for json_name, gotype, lines, inline in fields:
            target = resolve(gotype, package)
            if inline:
                add(structs[target][1], target.rpartition(".")[0])
                continue
            entry = {}
            if target in enums and enums[target]:
                values = enums[target]
                lines = lines + ["", "Possible enum values:"] + [f' - `"{v}"`' + (" " + c if c else "") for v, c in values]
                entry["e"] = [v for v, _ in values]
            text = describe(lines)
            if text:
                entry["d"] = text
            if target in structs and target not in LEAVES:
                entry["r"] = target
                pending.append(target)
            properties[json_name] = entry

    add(fields, package)
    types[key] = {"d": describe(comment), "p": properties}

source = f"kubernetes/api {REVISION} ({git(API, 'rev-parse', REVISION + '^{commit}').strip()}), " \
         f"kubernetes/apimachinery {REVISION} ({git(MACHINERY, 'rev-parse', REVISION + '^{commit}').strip()})"
json.dump({"source": source, "types": dict(sorted(types.items()))}, sys.stdout, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
