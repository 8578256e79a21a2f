using System.Text;

namespace Drover.Store;

/// <summary>
/// Key validation and prefix ranges. SQLite compares keys as UTF-8 bytes, which is Unicode code point order;
/// everything here uses that same order so prefix ranges and paging agree with the database.
/// </summary>
internal static class StoreKeys
{
    public static void ThrowIfInvalidKey(string key, string paramName)
    {
        ArgumentException.ThrowIfNullOrEmpty(key, paramName);
        ThrowIfIllFormed(key, paramName);
    }

    /// <summary>
    /// Lone surrogates cannot be encoded as UTF-8 (SQLite would store U+FFFD and the key would not round-trip), and
    /// SQLitePCL binds text NUL-terminated, so an embedded U+0000 would silently truncate the key.
    /// </summary>
    public static void ThrowIfIllFormed(string value, string paramName)
    {
        if (!IsWellFormed(value))
        {
            throw new ArgumentException("Keys and prefixes must be well-formed UTF-16 without U+0000.", paramName);
        }
    }

    public static bool IsWellFormed(string value)
    {
        var span = value.AsSpan();
        if (span.Contains('\0'))
        {
            return false;
        }

        if (span.IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return true;
        }

        while (!span.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(span, out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return false;
            }

            span = span[consumed..];
        }

        return true;
    }

    /// <summary>
    /// The smallest string greater than every string that starts with <paramref name="prefix"/>, or null when no
    /// such bound is needed (empty prefix, or one made only of U+10FFFF). Keys under the prefix are exactly
    /// <c>prefix &lt;= key &lt; bound</c> in code point order, because UTF-8 is prefix-free and order-preserving.
    /// </summary>
    public static string? PrefixUpperBound(string prefix)
    {
        var end = prefix.Length;
        while (end > 0)
        {
            var isPair = end >= 2 && char.IsSurrogatePair(prefix[end - 2], prefix[end - 1]);
            var start = isPair ? end - 2 : end - 1;
            var codePoint = isPair ? char.ConvertToUtf32(prefix[end - 2], prefix[end - 1]) : prefix[end - 1];
            if (codePoint == 0x10FFFF)
            {
                end = start;
                continue;
            }

            var next = codePoint + 1;
            if (next == 0xD800)
            {
                next = 0xE000;
            }

            return string.Concat(prefix.AsSpan(0, start), new Rune(next).ToString());
        }

        return null;
    }

    /// <summary>Compares in code point order (= SQLite's UTF-8 byte order), which differs from ordinal UTF-16 order only for surrogates.</summary>
    public static int Compare(string left, string right)
    {
        var length = Math.Min(left.Length, right.Length);
        var common = left.AsSpan(0, length).CommonPrefixLength(right.AsSpan(0, length));
        if (common == length)
        {
            return left.Length.CompareTo(right.Length);
        }

        return Weight(left[common]).CompareTo(Weight(right[common]));
    }

    /// <summary>Lifts surrogates above the rest of the BMP so code units compare like the code points they encode.</summary>
    private static int Weight(char c) => c switch
    {
        >= '\uE000' => c - 0x800,
        >= '\uD800' => c + 0x2000,
        _ => c,
    };

    /// <summary>
    /// Inclusive lower bound of a page: keys under the prefix that come strictly after <paramref name="startAfterKey"/>.
    /// Keys never contain U+0000, so appending U+0001 gives the immediate successor and one index range serves both conditions.
    /// </summary>
    public static string PageLowerBound(string prefix, string? startAfterKey)
    {
        if (startAfterKey is null || Compare(startAfterKey, prefix) < 0)
        {
            return prefix;
        }

        return string.Concat(startAfterKey, "\u0001");
    }
}
