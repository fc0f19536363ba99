#!/usr/bin/env python3
# Reads a timeline with OpenTimelineIO and its adapters (by extension) and prints its tracks as JSON:
# [{"kind", "clips": [{"name", "start", "duration", "rate", "url"}]}]. The timeline tests use it as the oracle.
import json, sys
import opentimelineio as otio
path = sys.argv[1]
adapter = {"otio": "otio_json", "fcpxml": "fcpx_xml", "xml": "fcp_xml", "edl": "cmx_3600"}[path.rsplit(".", 1)[1]]
kwargs = {"rate": 24} if adapter == "cmx_3600" else {}
tl = otio.adapters.read_from_file(path, adapter_name=adapter, **kwargs)
if isinstance(tl, otio.schema.SerializableCollection):
    tl = next(iter(tl))
out = []
for track in tl.tracks:
    items = []
    for clip in track.find_clips():
        sr = clip.source_range
        ref = clip.media_reference
        items.append({"name": clip.name, "start": sr.start_time.value, "duration": sr.duration.value,
                      "rate": sr.duration.rate,
                      "url": getattr(ref, "target_url", None)})
    out.append({"kind": track.kind, "clips": items})
print(json.dumps(out))
