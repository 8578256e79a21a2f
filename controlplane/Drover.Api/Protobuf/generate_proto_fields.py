#!/usr/bin/env python3
"""Writes KubernetesProtoFields.cs: the protobuf field numbers of the kinds droverd serves.

Facts from Kubernetes' generated.proto (message structure, field numbers, proto types) and types.go (the JSON name of
each field, whether the Go field is a pointer, whether an embedded struct is inlined into its parent's JSON). Run with
the two repositories checked out (git directories or work trees):

    generate_proto_fields.py KUBERNETES_API_DIR APIMACHINERY_DIR [REVISION] > KubernetesProtoFields.cs

REVISION (default v0.32.9, the libraries of Kubernetes 1.32, the minor droverd's API follows) is read from both.

Field numbers never change in Kubernetes (a removed field's number is reserved), so a table from a newer Kubernetes
reads what kubectl 1.32 sends; a field kubectl sends that the table lacks is skipped, as Kubernetes' own decoder does.
"""
import os
import re
import subprocess
import sys

API, MACHINERY = sys.argv[1], sys.argv[2]
REVISION = sys.argv[3] if len(sys.argv) > 3 else "v0.32.9"

# Go package (as the proto package names it) -> short name used in the table.
PACKAGES = {
    "k8s.io.api.core.v1": ("core/v1", API, "core/v1"),
    "k8s.io.api.apps.v1": ("apps/v1", API, "apps/v1"),
    "k8s.io.api.batch.v1": ("batch/v1", API, "batch/v1"),
    "k8s.io.api.networking.v1": ("networking/v1", API, "networking/v1"),
    "k8s.io.api.autoscaling.v2": ("autoscaling/v2", API, "autoscaling/v2"),
    "k8s.io.api.coordination.v1": ("coordination/v1", API, "coordination/v1"),
    "k8s.io.api.discovery.v1": ("discovery/v1", API, "discovery/v1"),
    "k8s.io.apimachinery.pkg.apis.meta.v1": ("meta/v1", MACHINERY, "pkg/apis/meta/v1"),
}
# Messages with a JSON form of their own (read by the transcoder, not through the table).
SPECIAL = {
    "k8s.io.apimachinery.pkg.apis.meta.v1.Time": "T",
    "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime": "M",
    "k8s.io.apimachinery.pkg.apis.meta.v1.Duration": "D",
    "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1": "R",
    "k8s.io.apimachinery.pkg.runtime.RawExtension": "R",
    "k8s.io.apimachinery.pkg.api.resource.Quantity": "Q",
    "k8s.io.apimachinery.pkg.util.intstr.IntOrString": "I",
}
SCALARS = {"string": "s", "bytes": "y", "bool": "b", "int32": "i", "int64": "l", "double": "d", "float": "f"}
ROOTS = [
    "core/v1.Namespace", "core/v1.Node", "core/v1.Pod", "core/v1.Service", "core/v1.Endpoints", "core/v1.ConfigMap",
    "core/v1.Secret", "core/v1.Event", "discovery/v1.EndpointSlice", "apps/v1.Deployment", "apps/v1.ReplicaSet",
    "apps/v1.DaemonSet", "apps/v1.ControllerRevision", "batch/v1.Job", "batch/v1.CronJob", "networking/v1.Ingress",
    "networking/v1.IngressClass", "autoscaling/v2.HorizontalPodAutoscaler", "coordination/v1.Lease",
]


def read(repo, path):
    git_dir = repo if os.path.exists(os.path.join(repo, "HEAD")) else os.path.join(repo, ".git")
    return subprocess.run(["git", "--git-dir", git_dir, "show", REVISION + ":" + path], check=True, capture_output=True, text=True).stdout


def commit(repo):
    git_dir = repo if os.path.exists(os.path.join(repo, "HEAD")) else os.path.join(repo, ".git")
    return subprocess.run(["git", "--git-dir", git_dir, "rev-parse", REVISION + "^{commit}"], check=True, capture_output=True, text=True).stdout.strip()


messages = {}   # "core/v1.Container" -> [(number, protoName, label, protoType)]
go_fields = {}  # ("core/v1.Container", number) -> (jsonName, pointer, inline)

for proto_pkg, (short, repo, directory) in PACKAGES.items():
    text = read(repo, directory + "/generated.proto")
    text = re.sub(r"//[^\n]*", "", text)
    for m in re.finditer(r"\bmessage\s+(\w+)\s*\{([^{}]*)\}", text):
        fields = []
        for f in re.finditer(r"(optional|repeated|required)?\s*(map<\s*string\s*,\s*[\w.]+\s*>|[\w.]+)\s+(\w+)\s*=\s*(\d+)\s*;", m.group(2)):
            label, ptype, name, number = f.group(1) or "optional", f.group(2), f.group(3), int(f.group(4))
            fields.append((number, name, label, ptype.replace(" ", "")))
        messages[short + "." + m.group(1)] = fields
    struct = None
    for line in read(repo, directory + "/types.go").splitlines():
        if s := re.match(r"^type (\w+) struct \{", line):
            struct = short + "." + s.group(1)
            continue
        if line.startswith("}"):
            struct = None
            continue
        if struct is None or line.lstrip().startswith("//"):
            continue
        t = re.match(r'^\t(?:(\w+)\s+)?(\S+)\s+`(.*)`', line)
        if not t or "protobuf:" not in t.group(3):
            continue
        gotype, tags = t.group(2), t.group(3)
        json_tag = re.search(r'json:"([^"]*)"', tags)
        pb = re.search(r'protobuf:"([^"]*)"', tags).group(1).split(",")
        json_name = json_tag.group(1).split(",")[0] if json_tag else ""
        inline = t.group(1) is None and json_name == ""
        go_fields[(struct, int(pb[1]))] = (json_name, gotype.startswith("*"), inline)


def resolve(ptype, package):
    """A proto type name -> (code, message key or None)."""
    if ptype in SCALARS:
        return SCALARS[ptype], None
    qualified = ptype.lstrip(".")
    if qualified in SPECIAL:
        return SPECIAL[qualified], None
    if "." in qualified:
        pkg, _, name = qualified.rpartition(".")
        if pkg not in PACKAGES:
            raise SystemExit(f"unknown package {pkg} for {ptype}")
        key = PACKAGES[pkg][0] + "." + name
    else:
        key = package + "." + qualified
        special = next((code for name, code in SPECIAL.items() if name.endswith("meta.v1." + qualified)), None)
        if package == "meta/v1" and special:
            return special, None
    if key not in messages:
        raise SystemExit(f"unknown message {key}")
    return key, key


lines = {}
pending = list(ROOTS)
while pending:
    key = pending.pop()
    if key in lines:
        continue
    package = key.rpartition(".")[0]
    tokens = []
    for number, name, label, ptype in messages[key]:
        json_name, pointer, inline = go_fields.get((key, number), (name, False, False))
        if (key, number) not in go_fields:
            print(f"note: {key} field {number} ({name}) has no Go tag; JSON name from proto", file=sys.stderr)
        if ptype.startswith("map<"):
            value = ptype[len("map<"):-1].split(",", 1)[1]
            code, nested = resolve(value, package)
            prefix = "{"
        else:
            code, nested = resolve(ptype, package)
            prefix = "*" if label == "repeated" else ("^" if inline else ("?" if pointer else ""))
        if nested:
            pending.append(nested)
        tokens.append(f"{number}={'' if inline else json_name}:{prefix}{code}")
    lines[key] = key + " " + " ".join(tokens)

print("// <auto-generated>")
print("// Written by generate_proto_fields.py from kubernetes/api " + REVISION + " (" + commit(API) + ")")
print("// and kubernetes/apimachinery " + REVISION + " (" + commit(MACHINERY) + ").")
print("// Do not edit: run the script again (see its header) to add a kind or a field.")
print("// </auto-generated>")
print("namespace Drover.Api.Protobuf;")
print()
print("internal static class KubernetesProtoFields")
print("{")
print("    /// <summary>")
print("    /// One message a line: its key (package/version.Name), then NUMBER=jsonName:TYPE for each field. TYPE is s string,")
print("    /// y bytes, b bool, i int32, l int64, d double, f float, T Time, M MicroTime, D Duration, R raw JSON (FieldsV1,")
print("    /// RawExtension), Q Quantity, I IntOrString, or a message key; prefixed by * for repeated, { for a map with string")
print("    /// keys, ? for a Go pointer (zero values are kept), ^ for an embedded struct inlined into its parent's JSON.")
print("    /// UTF-8 bytes in the binary's data (33 KB), read once into <see cref=\"ProtoSchema\"/>.")
print("    /// </summary>")
print('    public static ReadOnlySpan<byte> Table => """')
for key in sorted(lines):
    print("        " + lines[key])
print('        """u8;')
print("}")
