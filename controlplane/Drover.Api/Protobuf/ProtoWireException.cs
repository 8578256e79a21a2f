namespace Drover.Api.Protobuf;

/// <summary>Bytes that are not protobuf; the transcoder adds the field path and turns it into a 400.</summary>
internal sealed class ProtoWireException : Exception
{
    public ProtoWireException()
    {
    }

    public ProtoWireException(string message)
        : base(message)
    {
    }

    public ProtoWireException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
