using System.Text;

namespace Drover.Cli.Explain;

/// <summary>
/// Word wrapping exactly as github.com/mitchellh/go-wordwrap v1.0.1 (`WrapString`), which kubectl's explain
/// templates use: lines break at white space only, widths count characters (runes), a word longer than the limit
/// stays whole, and the spaces at a break are dropped. Kept literal so `drover explain` wraps where kubectl does.
/// </summary>
internal static class WordWrap
{
    private const int NoBreakSpace = 0xA0;

    /// <summary><paramref name="text"/> wrapped within <paramref name="limit"/> characters; a limit of 0 or less leaves it as is (kubectl's writer does the same for 0).</summary>
    public static string Wrap(string text, int limit)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (limit <= 0)
            return text;
        var result = new StringBuilder(text.Length + 16);
        var word = new StringBuilder();
        var space = new StringBuilder();
        int current = 0, wordLength = 0, spaceLength = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.Value == '\n')
            {
                if (word.Length == 0)
                {
                    if (current + spaceLength <= limit)
                        result.Append(space);
                }
                else
                {
                    result.Append(space).Append(word);
                    word.Clear();
                    wordLength = 0;
                }
                space.Clear();
                spaceLength = 0;
                result.Append('\n');
                current = 0;
            }
            else if (Rune.IsWhiteSpace(rune) && rune.Value != NoBreakSpace)
            {
                if (space.Length == 0 || word.Length > 0)
                {
                    current += spaceLength + wordLength;
                    result.Append(space).Append(word);
                    space.Clear();
                    spaceLength = 0;
                    word.Clear();
                    wordLength = 0;
                }
                space.Append(rune.ToString());
                spaceLength++;
            }
            else
            {
                word.Append(rune.ToString());
                wordLength++;
                if (current + wordLength + spaceLength > limit && wordLength < limit)
                {
                    result.Append('\n');
                    current = 0;
                    space.Clear();
                    spaceLength = 0;
                }
            }
        }
        if (word.Length == 0)
        {
            if (current + spaceLength <= limit)
                result.Append(space);
        }
        else
        {
            result.Append(space).Append(word);
        }
        return result.ToString();
    }

    /// <summary>kubectl's template `indent`: the pad before the text and after every newline in it (a trailing newline too).</summary>
    public static string Indent(int amount, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pad = new string(' ', amount);
        return pad + text.Replace("\n", "\n" + pad, StringComparison.Ordinal);
    }
}
