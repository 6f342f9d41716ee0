#!/usr/bin/env python3
"""Reads and tidies an OCI image archive (an oci-archive tar) without a registry.

  oci.py normalize ARCHIVE   rewrite the tar with fixed owners, modes and mtimes
                             (sorted), so the same images give the same bytes
  oci.py list ARCHIVE        one JSON line per manifest of the archive's index:
                             the index's platform, the config's, the entrypoint,
                             and every regular file of the layers with its sha256

`list` verifies every blob it reads against its digest and size, and each
layer against the config's diff_id, so a damaged archive is an error, not a
silently different answer.
"""

import gzip
import hashlib
import io
import json
import sys
import tarfile

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def normalize(path):
    """Rewrites the archive in place: entries sorted, mtime 0, root-owned, 0755/0644."""
    with tarfile.open(path) as src:
        members = [(m, src.extractfile(m).read() if m.isfile() else None) for m in src.getmembers()]
    members.sort(key=lambda mb: mb[0].name)
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as dst:
        for m, data in members:
            m.mtime = 0
            m.uid = m.gid = 0
            m.uname = m.gname = ""
            m.mode = 0o755 if m.isdir() else 0o644
            m.pax_headers = {}
            dst.addfile(m, io.BytesIO(data) if data is not None else None)


class Archive:
    """The blobs of one oci-archive, checked against their digests on read."""

    def __init__(self, path):
        with tarfile.open(path) as t:
            self.files = {m.name.lstrip("./"): t.extractfile(m).read() for m in t.getmembers() if m.isfile()}

    def blob(self, desc, media_type=None):
        if media_type and desc.get("mediaType") != media_type:
            raise ValueError(f"{desc['digest']}: media type {desc.get('mediaType')}, expected {media_type}")
        algo, hexdigest = desc["digest"].split(":", 1)
        data = self.files[f"blobs/{algo}/{hexdigest}"]
        if hashlib.new(algo, data).hexdigest() != hexdigest or len(data) != desc["size"]:
            raise ValueError(f"blob {desc['digest']} does not match its digest or size")
        return data


def layer_files(data, media_type):
    """The regular files of one layer: {path: (mode, sha256)}, and the layer's diff_id."""
    if media_type.endswith("+gzip"):
        data = gzip.decompress(data)
    elif not media_type.endswith(".tar"):
        raise ValueError(f"layer media type {media_type} not handled")
    files = {}
    with tarfile.open(fileobj=io.BytesIO(data)) as t:
        for m in t.getmembers():
            if m.isfile():
                files["/" + m.name.lstrip("./")] = (m.mode, hashlib.sha256(t.extractfile(m).read()).hexdigest())
    return files, "sha256:" + hashlib.sha256(data).hexdigest()


def list_manifests(path):
    """Yields one dict per platform manifest of the archive's (single) index."""
    a = Archive(path)
    top = json.loads(a.files["index.json"])
    for ref in top["manifests"]:
        index = json.loads(a.blob(ref, INDEX))
        for desc in index["manifests"]:
            manifest = json.loads(a.blob(desc, MANIFEST))
            config = json.loads(a.blob(manifest["config"]))
            files = {}
            diff_ids = []
            for layer in manifest["layers"]:
                got, diff_id = layer_files(a.blob(layer), layer["mediaType"])
                files.update(got)
                diff_ids.append(diff_id)
            if diff_ids != config["rootfs"]["diff_ids"]:
                raise ValueError(f"{desc['digest']}: layers do not match the config's diff_ids")
            p = desc.get("platform", {})
            yield {
                "ref": ref.get("annotations", {}).get("org.opencontainers.image.ref.name", ""),
                "platform": f"{p.get('os', '')}/{p.get('architecture', '')}/{p.get('variant', '')}".rstrip("/"),
                "config_platform": f"{config.get('os', '')}/{config.get('architecture', '')}/{config.get('variant', '')}".rstrip(
                    "/"
                ),
                "entrypoint": config.get("config", {}).get("Entrypoint"),
                "files": {name: {"mode": oct(mode), "sha256": digest} for name, (mode, digest) in sorted(files.items())},
            }


def main(argv):
    if len(argv) != 3 or argv[1] not in ("normalize", "list"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        if argv[1] == "normalize":
            normalize(argv[2])
        else:
            for m in list_manifests(argv[2]):
                print(json.dumps(m, sort_keys=True))
    except (OSError, KeyError, ValueError, tarfile.TarError, json.JSONDecodeError) as e:
        print(f"oci.py: {argv[2]}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
