using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Drover.Agent.Logging;

/// <summary>
/// Writes log lines to a stream, one write per line under a lock: lines from several threads never interleave,
/// and a line is out (journald, a pipe) before the call returns, so nothing is lost when the process dies.
/// </summary>
internal sealed class LineWriter : IDisposable
{
    private readonly Stream _output;
    private readonly Lock _lock = new();
    private readonly StringBuilder _line = new(256);
    private byte[] _bytes = new byte[512];

    public LineWriter(Stream output) => _output = output;

    public void Write(DateTime utc, LogLevel level, string category, int eventId, string message, Exception? exception)
    {
        lock (_lock)
        {
            _line.Clear();
            _line.Append(utc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ ", CultureInfo.InvariantCulture))
                .Append(Label(level)).Append(": ").Append(category)
                .Append('[').Append(eventId.ToString(CultureInfo.InvariantCulture)).Append("] ");
            AppendSingleLine(message);
            if (exception is not null)
            {
                _line.Append(' ');
                AppendSingleLine(exception.ToString());
            }

            _line.Append('\n');
            var length = Encoding.UTF8.GetMaxByteCount(_line.Length);
            if (_bytes.Length < length)
                _bytes = new byte[Math.Max(length, _bytes.Length * 2)];
            var written = Encoding.UTF8.GetBytes(_line.ToString(), _bytes);
            try
            {
                _output.Write(_bytes, 0, written);
                _output.Flush();
            }
            catch (IOException)
            {
                // stdout gone (a closed pipe): the agent goes on; logging must never stop it.
            }

            // A long exception must not keep a large buffer for the rest of the process's life.
            if (_line.Capacity > 16 * 1024)
            {
                _line.Capacity = 256;
                _bytes = new byte[512];
            }
        }
    }

    /// <summary>As the console logger's single-line mode: line breaks inside an entry become spaces.</summary>
    private void AppendSingleLine(string text)
    {
        foreach (var c in text)
            _line.Append(c is '\n' or '\r' ? ' ' : c);
    }

    private static string Label(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "none",
    };

    public void Dispose()
    {
        lock (_lock)
            _output.Flush();
    }
}
