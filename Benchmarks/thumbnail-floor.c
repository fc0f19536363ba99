// The floor of the thumbnail benchmark: the least a program built on the same FFmpeg libraries does to write the
// picture `ffmpeg -ss T -i FILE -frames:v 1 OUT.jpg` writes. It opens the file without a stream-info pass, seeks to
// the keyframe before T, decodes only the frames the picture needs (frames nothing refers to are skipped before T)
// on FFmpeg's automatic decoder threads, converts the picture to full-range YUV and encodes it as JPEG. No checks,
// no rotation, no temporary file.
// Benchmarks/bench-frames.sh builds it with the system C compiler and times it beside `seedance thumbnail` and the
// ffmpeg CLI: whatever it costs, no command on these libraries can cost less.
//
//   cc -O2 Benchmarks/thumbnail-floor.c -o floor $(pkg-config --cflags --libs libavformat libavcodec libswscale libavutil)
//   ./floor FILE SECONDS OUT.jpg
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswscale/swscale.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what) {
    fprintf(stderr, "thumbnail-floor: %s\n", what);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 4) return fail("usage: thumbnail-floor FILE SECONDS OUT.jpg");
    av_log_set_level(AV_LOG_ERROR);
    AVFormatContext *format = NULL;
    if (avformat_open_input(&format, argv[1], NULL, NULL) < 0) return fail("cannot open the file");
    const AVCodec *codec = NULL;
    int index = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (index < 0) return fail("no video");
    AVStream *stream = format->streams[index];
    AVCodecContext *decoder = avcodec_alloc_context3(codec);
    avcodec_parameters_to_context(decoder, stream->codecpar);
    decoder->pkt_timebase = stream->time_base;
    // FFmpeg's automatic thread count (frame threads, one more than the cores), as `seedance thumbnail` decodes:
    // libavcodec's default of one thread is slower here from the second GOP frame on.
    decoder->thread_count = 0;
    if (avcodec_open2(decoder, codec, NULL) < 0) return fail("cannot open the decoder");

    int64_t start = format->start_time == AV_NOPTS_VALUE ? 0 : format->start_time;
    int64_t micro = (int64_t)(atof(argv[2]) * 1e6 + 0.5) + start;
    int64_t target = av_rescale_q(micro, AV_TIME_BASE_Q, stream->time_base);
    if (av_seek_frame(format, index, target, AVSEEK_FLAG_BACKWARD) < 0) return fail("cannot seek");

    AVPacket *packet = av_packet_alloc();
    AVFrame *frame = av_frame_alloc();
    int found = 0;
    while (!found) {
        int status = av_read_frame(format, packet);
        if (status >= 0 && packet->stream_index != index) {
            av_packet_unref(packet);
            continue;
        }
        if (status >= 0) {
            // Before the target, a frame nothing refers to cannot be the answer: do not decode it.
            decoder->skip_frame = packet->pts != AV_NOPTS_VALUE && packet->pts < target ? AVDISCARD_NONREF
                                                                                          : AVDISCARD_DEFAULT;
            avcodec_send_packet(decoder, packet);
            av_packet_unref(packet);
        } else {
            avcodec_send_packet(decoder, NULL);
        }
        while (!found && avcodec_receive_frame(decoder, frame) >= 0) {
            if (frame->best_effort_timestamp >= target) found = 1;
            else av_frame_unref(frame);
        }
        if (status < 0 && !found) return fail("no frame at that time");
    }

    AVFrame *picture = av_frame_alloc();
    picture->format = AV_PIX_FMT_YUVJ420P;
    picture->width = frame->width;
    picture->height = frame->height;
    av_frame_get_buffer(picture, 0);
    struct SwsContext *scaler = sws_getContext(frame->width, frame->height, frame->format, frame->width,
                                               frame->height, AV_PIX_FMT_YUVJ420P, SWS_BICUBIC, NULL, NULL, NULL);
    sws_scale(scaler, (const uint8_t *const *)frame->data, frame->linesize, 0, frame->height, picture->data,
              picture->linesize);

    const AVCodec *mjpeg = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
    AVCodecContext *encoder = avcodec_alloc_context3(mjpeg);
    encoder->width = picture->width;
    encoder->height = picture->height;
    encoder->pix_fmt = AV_PIX_FMT_YUVJ420P;
    encoder->time_base = (AVRational){1, 25};
    encoder->flags |= AV_CODEC_FLAG_QSCALE;
    encoder->global_quality = 5 * FF_QP2LAMBDA;  // `-q:v 5`, the quality `seedance thumbnail` writes by default
    if (avcodec_open2(encoder, mjpeg, NULL) < 0) return fail("cannot open the JPEG encoder");
    picture->pts = 0;
    picture->quality = encoder->global_quality;
    avcodec_send_frame(encoder, picture);
    avcodec_send_frame(encoder, NULL);
    FILE *out = fopen(argv[3], "wb");
    if (!out) return fail("cannot write the output");
    while (avcodec_receive_packet(encoder, packet) >= 0) {
        fwrite(packet->data, 1, packet->size, out);
        av_packet_unref(packet);
    }
    fclose(out);
    return 0;
}
