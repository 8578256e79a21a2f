using System.Text.Encodings.Web;
using System.Text.Json;

namespace Drover.Api;

public static class ApiJson
{
    /// <summary>
    /// Output for people and tools alike: quotes and non-ASCII stay readable (Status messages quote
    /// names); still escapes what JSON requires.
    /// </summary>
    public static JsonWriterOptions WriterOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
