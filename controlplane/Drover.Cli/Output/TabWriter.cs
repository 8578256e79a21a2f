using System.Text;

namespace Drover.Cli.Output;

/// <summary>
/// Go's text/tabwriter (left-aligned, space padding), which both kubectl's tables and its describe output
/// go through. Cells are tab-terminated; a column is aligned over each block of consecutive lines that
/// have a cell in it, so describe sections align independently just as kubectl's do.
/// </summary>
internal sealed class TabWriter(int minWidth, int padding)
{
    private readonly List<string[]> _lines = [];
    private readonly StringBuilder _partial = new();

    public void Write(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\n')
                continue;
            _partial.Append(text, start, i - start);
            _lines.Add(_partial.ToString().Split('\t'));
            _partial.Clear();
            start = i + 1;
        }
        _partial.Append(text, start, text.Length - start);
    }

    public void WriteLine(string text) => Write(text + "\n");

    /// <summary>Formats everything written so far (a trailing partial line too) and forgets it.</summary>
    public string Flush()
    {
        if (_partial.Length > 0)
        {
            _lines.Add(_partial.ToString().Split('\t'));
            _partial.Clear();
        }
        var output = new StringBuilder();
        var widths = new List<int>();
        Format(output, widths, 0, _lines.Count);
        _lines.Clear();
        return output.ToString();
    }

    private void Format(StringBuilder output, List<int> widths, int line0, int line1)
    {
        var column = widths.Count;
        for (var current = line0; current < line1; current++)
        {
            // The last cell of a line is not tab-terminated and does not take part in alignment.
            if (column >= _lines[current].Length - 1)
                continue;
            WriteLines(output, widths, line0, current);
            line0 = current;
            var width = minWidth;
            for (; current < line1; current++)
            {
                var cells = _lines[current];
                if (column >= cells.Length - 1)
                    break;
                width = Math.Max(width, cells[column].Length + padding);
            }
            widths.Add(width);
            Format(output, widths, line0, current);
            widths.RemoveAt(widths.Count - 1);
            line0 = current;
            current--;
        }
        WriteLines(output, widths, line0, line1);
    }

    private void WriteLines(StringBuilder output, List<int> widths, int line0, int line1)
    {
        for (var i = line0; i < line1; i++)
        {
            var cells = _lines[i];
            for (var j = 0; j < cells.Length; j++)
            {
                output.Append(cells[j]);
                if (j < widths.Count && j < cells.Length - 1)
                    output.Append(' ', Math.Max(0, widths[j] - cells[j].Length));
            }
            output.Append('\n');
        }
    }
}
