namespace Drover.Cli.Output;

/// <summary>Template files named by `-o jsonpath-file=F` and `-o custom-columns-file=F`, read within a size limit.</summary>
internal static class OutputFiles
{
    public const int MaxBytes = 64 * 1024;

    public static string ReadText(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var info = new FileInfo(path);
            if (info.Length > MaxBytes)
                throw new CliException($"error: template file {path} is {info.Length} bytes; at most {MaxBytes} are allowed");
            return File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new CliException($"error: error reading template {path}: {e.Message}");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CliException($"error: error reading template {path}: {e.Message}");
        }
    }

    public static string[] ReadLines(string path) =>
        ReadText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
