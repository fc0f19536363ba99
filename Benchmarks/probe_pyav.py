"""PyAV's probe of the same files, for seedance-bench: prints milliseconds per file (median of 5 rounds).

The peer does what `seedance probe` reports: open (PyAV's av.open runs avformat_find_stream_info), read the
container and each stream's codec, size, rate, frame count, duration and rotation-independent fields.
"""
import sys
import time

import av


def probe(path):
    with av.open(path) as container:
        facts = [container.format.name, container.duration, container.start_time, container.bit_rate, container.size]
        for stream in container.streams:
            ctx = stream.codec_context
            if ctx is None:  # data tracks (tmcd, gpmd, mett) have no codec context
                facts.append(stream.type)
                continue
            facts += [stream.type, stream.duration, stream.start_time, stream.frames, stream.time_base,
                      stream.average_rate if stream.type == "video" else None, ctx.name, ctx.profile]
            if stream.type == "video":
                facts += [ctx.width, ctx.height, ctx.pix_fmt]
            elif stream.type == "audio":
                facts += [ctx.sample_rate, ctx.channels, ctx.format.name]
        return facts


def main():
    iterations = int(sys.argv[1])
    files = sys.argv[2:]
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(iterations):
            for path in files:
                probe(path)
        samples.append((time.perf_counter() - start) * 1000 / iterations / len(files))
    samples.sort()
    print(f"{samples[len(samples) // 2]:.4f}")


if __name__ == "__main__":
    main()
