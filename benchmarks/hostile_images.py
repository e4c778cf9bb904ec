"""What a hostile photo costs: each made-up image of at most 10 MB (huge, long, tall, a palette bomb,
16-bit, CMYK, animated, noise) goes through what a photo search does with an upload (safe decoding,
the photo and colour vectors), in a fresh process; time and the extra peak memory (RSS) are measured,
or the image is refused with the reason. Target (issue 18): any accepted upload <= 300 ms and
<= 200 MB extra RSS.

python benchmarks/hostile_images.py
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from common import git_commit, machine, write_section  # type: ignore[import-not-found]

UPLOAD_LIMIT = 10 * 2**20
MEASURE = """
import json, sys, time
from modasearch.models.images import ImageError, open_image
from modasearch.models.visual import VisualModel
model = VisualModel.load()
model.photo_vectors([open_image(sys.argv[2])])  # warm: sessions created, arenas allocated
data = open(sys.argv[1], "rb").read()
def rss(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1])
open("/proc/self/clear_refs", "w").write("5")  # the peak (VmHWM) starts again from here
before = rss("VmRSS:")
start = time.perf_counter()
try:
    model.photo_vectors([open_image(data, max_bytes=10 * 2**20)])
    outcome = "accepted"
except ImageError as exc:
    outcome = f"refused ({exc.kind}): {str(exc).split(': ', 1)[-1]}"
ms = (time.perf_counter() - start) * 1000
after = rss("VmHWM:")
print(json.dumps({"ms": ms, "extra_mib": (after - before) / 1024, "outcome": outcome}))
"""


def encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def noise(width: int, height: int, seed: int = 0) -> Image.Image:
    rng = np.random.default_rng(seed)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def hostile() -> dict[str, bytes]:
    flat = Image.new("RGB", (20000, 2000), (200, 30, 40))
    frames = [noise(800, 800, i) for i in range(6)]
    cases = {
        "JPEG 7000x5700 noise (40 MP)": encoded(noise(7000, 5700), "JPEG", quality=30),
        "JPEG 6000x6000 CMYK": encoded(
            noise(3000, 3000).resize((6000, 6000)).convert("CMYK"), "JPEG", quality=40
        ),
        "PNG 20000x2000 flat (long)": encoded(flat, "PNG"),
        "PNG 2000x20000 flat (tall)": encoded(flat.rotate(90, expand=True), "PNG"),
        "PNG 1x39,999,000": encoded(Image.new("L", (1, 39_999_000)), "PNG"),
        "PNG 6000x6000 palette bomb": encoded(Image.new("P", (6000, 6000)), "PNG"),
        "PNG 4000x4000 palette": encoded(Image.new("P", (4000, 4000)), "PNG"),
        "PNG 2400x2400 palette": encoded(Image.new("P", (2400, 2400)), "PNG"),
        "PNG 2400x2400 16-bit": encoded(Image.new("I;16", (2400, 2400), 1000), "PNG"),
        "PNG 1600x1600 noise RGBA": encoded(noise(1600, 1600).convert("RGBA"), "PNG"),
        "WebP 4000x4000 noise": encoded(noise(4000, 4000), "WEBP", quality=50),
        "WebP 2400x2400 noise": encoded(noise(2400, 2400), "WEBP", quality=50),
        "WebP 2048x2048 noise (the cap)": encoded(noise(2048, 2048), "WEBP", quality=50),
        "WebP animated 6 x 800x800": encoded(frames[0], "WEBP", save_all=True, append_images=frames[1:]),
        "PNG animated 6 x 800x800": encoded(frames[0], "PNG", save_all=True, append_images=frames[1:]),
    }
    return {name: data for name, data in cases.items() if len(data) <= UPLOAD_LIMIT}


def main() -> None:
    sample = next((Path(__file__).parents[1] / "src/modasearch/demo/data/images").glob("*.jpg"))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in hostile().items():
            path = Path(tmp) / "upload"
            path.write_bytes(data)
            out = subprocess.run(
                [sys.executable, "-c", MEASURE, str(path), str(sample)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            result = json.loads(out.strip().splitlines()[-1])
            rows.append(
                f"| {name} | {len(data) / 2**20:.2f} | {result['outcome']} | {result['ms']:.0f} | "
                f"{result['extra_mib']:.0f} |"
            )
            print(rows[-1], flush=True)
    body = f"""## Hostile photos: what an upload can cost

Machine: {machine()}; commit {git_commit()}. Command: `python benchmarks/hostile_images.py`. Each
image is made up by the script, at most 10 MB (the upload limit), and goes through what a photo
search does with an upload (`open_image`: the format and size from the header, JPEG decoded at 1/2
to 1/8 scale, everything reduced to 512 px; then the photo and colour vectors) in a fresh process
after a warm-up; extra RSS is the rise of the process's peak.

| image | MB | outcome | ms | extra peak RSS MiB |
|---|---|---|---|---|
{chr(10).join(rows)}

Target: any accepted upload <= 300 ms and <= 200 MB extra RSS."""
    write_section("hostile-images", body)
    print(body)


if __name__ == "__main__":
    main()
