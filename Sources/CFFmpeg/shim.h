// The C surface of FFmpeg that Swift sees. Macros Swift cannot import get `static inline`
// shims here; they must be `static` (a non-static definition breaks release builds).
#ifndef SEEDANCE_CFFMPEG_SHIM_H
#define SEEDANCE_CFFMPEG_SHIM_H

#include <errno.h>
#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/error.h>
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/channel_layout.h>
#include <libavutil/mathematics.h>
#include <libavutil/dict.h>
#include <libswscale/swscale.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>

/// AV_NOPTS_VALUE: "no timestamp".
static inline int64_t cff_nopts_value(void) { return AV_NOPTS_VALUE; }

/// AV_TIME_BASE_Q: the microsecond time base of AVFormatContext durations.
static inline AVRational cff_time_base_q(void) { AVRational q = {1, AV_TIME_BASE}; return q; }

/// AV_TIME_BASE.
static inline int64_t cff_time_base(void) { return AV_TIME_BASE; }

/// AVERROR(e) for a POSIX errno value.
static inline int cff_averror(int e) { return AVERROR(e); }

/// AVERROR_EOF.
static inline int cff_averror_eof(void) { return AVERROR_EOF; }

/// AVERROR(EAGAIN).
static inline int cff_averror_eagain(void) { return AVERROR(EAGAIN); }

/// AVERROR_INVALIDDATA.
static inline int cff_averror_invaliddata(void) { return AVERROR_INVALIDDATA; }

/// av_err2str, written over av_strerror into a caller-provided buffer.
static inline const char *cff_err2str(int errnum, char *buf, size_t size) {
    av_strerror(errnum, buf, size);
    return buf;
}

#endif
