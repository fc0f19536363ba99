import CFFmpeg

/// libavfilter's functions, from the library loaded on first use (`cff_avfilter_load` in shim.h) rather than linked:
/// only the commands that filter pay for loading it and its dependencies.
struct FilterLibrary {
    typealias API = cff_avfilter_api

    let graphAlloc: @convention(c) () -> UnsafeMutablePointer<AVFilterGraph>?
    let graphFree: @convention(c) (UnsafeMutablePointer<UnsafeMutablePointer<AVFilterGraph>?>?) -> Void
    let inoutAlloc: @convention(c) () -> UnsafeMutablePointer<AVFilterInOut>?
    let inoutFree: @convention(c) (UnsafeMutablePointer<UnsafeMutablePointer<AVFilterInOut>?>?) -> Void
    let parse: @convention(c) (UnsafeMutablePointer<AVFilterGraph>?, UnsafePointer<CChar>?,
                               UnsafeMutablePointer<UnsafeMutablePointer<AVFilterInOut>?>?,
                               UnsafeMutablePointer<UnsafeMutablePointer<AVFilterInOut>?>?,
                               UnsafeMutableRawPointer?) -> Int32
    let config: @convention(c) (UnsafeMutablePointer<AVFilterGraph>?, UnsafeMutableRawPointer?) -> Int32
    let filterNamed: @convention(c) (UnsafePointer<CChar>?) -> UnsafePointer<AVFilter>?
    let createFilter: @convention(c) (UnsafeMutablePointer<UnsafeMutablePointer<AVFilterContext>?>?,
                                      UnsafePointer<AVFilter>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
                                      UnsafeMutableRawPointer?, UnsafeMutablePointer<AVFilterGraph>?) -> Int32
    let addFrame: @convention(c) (UnsafeMutablePointer<AVFilterContext>?, UnsafeMutablePointer<AVFrame>?, Int32)
        -> Int32
    let closeSource: @convention(c) (UnsafeMutablePointer<AVFilterContext>?, Int64, UInt32) -> Int32
    let getFrame: @convention(c) (UnsafeMutablePointer<AVFilterContext>?, UnsafeMutablePointer<AVFrame>?) -> Int32
    let sinkTimeBase: @convention(c) (UnsafePointer<AVFilterContext>?) -> AVRational
    let sinkFrameRate: @convention(c) (UnsafePointer<AVFilterContext>?) -> AVRational

    /// The functions, loading libavfilter the first time; throws when it cannot be loaded (not installed, or
    /// another major version than the headers').
    static func load() throws -> FilterLibrary { try loaded.get() }

    /// Loaded once per process (a `static let` is initialised exactly once, thread-safely).
    private static let loaded: Result<FilterLibrary, MediaError> = {
        var api = API()
        if let failure = cff_avfilter_load(&api) {
            return .failure(MediaError(.unsupported, operation: "loading libavfilter",
                                       reason: "FFmpeg's filter library could not be loaded (\(String(cString: failure)))"))
        }
        guard let graphAlloc = api.graph_alloc, let graphFree = api.graph_free, let inoutAlloc = api.inout_alloc,
              let inoutFree = api.inout_free, let parse = api.graph_parse_ptr, let config = api.graph_config,
              let filterNamed = api.get_by_name, let createFilter = api.graph_create_filter,
              let addFrame = api.buffersrc_add_frame_flags, let closeSource = api.buffersrc_close,
              let getFrame = api.buffersink_get_frame, let sinkTimeBase = api.buffersink_get_time_base,
              let sinkFrameRate = api.buffersink_get_frame_rate
        else {
            return .failure(MediaError(.unsupported, operation: "loading libavfilter",
                                       reason: "FFmpeg's filter library lacks a function"))
        }
        return .success(FilterLibrary(graphAlloc: graphAlloc, graphFree: graphFree, inoutAlloc: inoutAlloc,
                                      inoutFree: inoutFree, parse: parse, config: config, filterNamed: filterNamed,
                                      createFilter: createFilter, addFrame: addFrame, closeSource: closeSource,
                                      getFrame: getFrame, sinkTimeBase: sinkTimeBase, sinkFrameRate: sinkFrameRate))
    }()
}
