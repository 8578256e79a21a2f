namespace Drover.Api.Spdy;

/// <summary>Bytes from the peer that are not a SPDY/3.1 frame within the limits: the session ends with this message.</summary>
public sealed class SpdyProtocolException : Exception
{
    public SpdyProtocolException()
    {
    }

    public SpdyProtocolException(string message)
        : base(message)
    {
    }

    public SpdyProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
