using System.Text;

namespace Drover.Store.Tests;

/// <summary>Values as text, for readable tests.</summary>
internal static class StoreTestValues
{
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(ReadOnlyMemory<byte> value) => Encoding.UTF8.GetString(value.Span);
}
