namespace Drover.Cli.Output.JsonPath;

/// <summary>A template or path that does not parse or cannot be run; the message names what and where.</summary>
internal sealed class JsonPathException : Exception
{
    public JsonPathException() { }
    public JsonPathException(string message) : base(message) { }
    public JsonPathException(string message, Exception innerException) : base(message, innerException) { }
}
