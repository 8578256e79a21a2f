namespace Drover.Api.Spdy;

/// <summary>SPDY/3 control frame types (draft-mbelshe-httpbis-spdy-00 §2.6); 5 (NOOP in SPDY/2) is unused.</summary>
public enum SpdyFrameType : ushort
{
    /// <summary>A data frame (not a control frame).</summary>
    Data = 0,
    SynStream = 1,
    SynReply = 2,
    RstStream = 3,
    Settings = 4,
    Ping = 6,
    GoAway = 7,
    Headers = 8,
    WindowUpdate = 9,
}

/// <summary>
/// One frame as <see cref="SpdyFrameReader"/> read it. <see cref="StreamId"/> is the stream of a data, SYN_REPLY,
/// HEADERS, RST_STREAM or WINDOW_UPDATE frame, the id of a PING, the last good stream of a GOAWAY. <see cref="Value"/> is
/// the RST_STREAM or GOAWAY status, or the WINDOW_UPDATE delta. <see cref="Payload"/> is a data frame's bytes or a
/// SYN_STREAM/SYN_REPLY/HEADERS frame's compressed header block (valid until the next read).
/// </summary>
public readonly record struct SpdyFrame(SpdyFrameType Type, byte Flags, uint StreamId, uint Value, ReadOnlyMemory<byte> Payload)
{
    /// <summary>FLAG_FIN: the sender's last frame on the stream (data frames and SYN_STREAM/SYN_REPLY/HEADERS alike).</summary>
    public const byte FlagFin = 0x01;

    public bool IsFin => (Flags & FlagFin) != 0;
}

/// <summary>RST_STREAM and GOAWAY status codes the client sends or names.</summary>
public static class SpdyStatus
{
    public const uint ProtocolError = 1;
    public const uint RefusedStream = 3;
    public const uint Cancel = 5;
    public const uint FlowControlError = 7;

    /// <summary>The name of an RST_STREAM status (§2.6.3), for messages.</summary>
    public static string RstName(uint status) => status switch
    {
        1 => "PROTOCOL_ERROR",
        2 => "INVALID_STREAM",
        3 => "REFUSED_STREAM",
        4 => "UNSUPPORTED_VERSION",
        5 => "CANCEL",
        6 => "INTERNAL_ERROR",
        7 => "FLOW_CONTROL_ERROR",
        8 => "STREAM_IN_USE",
        9 => "STREAM_ALREADY_CLOSED",
        11 => "FRAME_TOO_LARGE",
        _ => $"status {status}",
    };
}
