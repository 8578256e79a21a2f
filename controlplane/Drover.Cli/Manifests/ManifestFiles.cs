using System.Text;
using Drover.Api;

namespace Drover.Cli.Manifests;

/// <summary>Expands `-f` arguments as kubectl does: "-" is stdin, a directory means its manifest files in name order.</summary>
internal static class ManifestFiles
{
    public const string StdinName = "STDIN";
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    public static IReadOnlyList<ManifestFile> Read(IReadOnlyList<string> paths, bool recursive, TextReader stdin)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(stdin);
        if (paths.Count == 0)
            throw new CliException("error: must specify one of -f and -k");
        var files = new List<ManifestFile>();
        foreach (var path in paths)
        {
            if (path == "-")
                files.Add(new ManifestFile(StdinName, ReadStdin(stdin)));
            else if (Directory.Exists(path))
                AddDirectory(files, path, recursive);
            else if (File.Exists(path))
                files.Add(new ManifestFile(path, ReadFile(path)));
            else
                throw new CliException($"error: the path \"{path}\" does not exist");
        }
        return files;
    }

    /// <summary>
    /// A file as strict UTF-8 within <see cref="InputLimits.MaxManifestFileBytes"/>: a bad byte used to become
    /// U+FFFD and be applied as such.
    /// </summary>
    private static string ReadFile(string path)
    {
        try
        {
            return InputFiles.ReadText(path, InputLimits.MaxManifestFileBytes, nameof(InputLimits.MaxManifestFileBytes));
        }
        catch (ManifestException e)
        {
            throw new CliException($"error: {path}: {e.Message}");
        }
    }

    /// <summary>
    /// Stdin within the same limit; the console's reader is strict UTF-8 (<see cref="CliContext.FromConsole"/>),
    /// so a bad byte surfaces here as a decoder error.
    /// </summary>
    private static string ReadStdin(TextReader stdin)
    {
        var text = new StringBuilder();
        var buffer = new char[64 * 1024];
        try
        {
            int read;
            while ((read = stdin.Read(buffer, 0, buffer.Length)) > 0)
            {
                text.Append(buffer, 0, read);
                if (text.Length > InputLimits.MaxManifestFileBytes)
                    throw new CliException($"error: {StdinName}: the input is over the limit MaxManifestFileBytes = {InputLimits.MaxManifestFileBytes} characters");
            }
        }
        catch (DecoderFallbackException e)
        {
            throw new CliException($"error: {StdinName}: the input is not valid UTF-8 (first bad byte at offset {e.Index})");
        }
        return text.ToString();
    }

    private static void AddDirectory(List<ManifestFile> files, string directory, bool recursive)
    {
        // Ordinal order: the same on every machine, so multi-file applies are reproducible.
        foreach (var entry in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            if (Directory.Exists(entry))
            {
                if (recursive)
                    AddDirectory(files, entry, recursive);
            }
            else if (Extensions.Any(e => entry.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
            {
                files.Add(new ManifestFile(entry, ReadFile(entry)));
            }
        }
    }
}
