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
                files.Add(new ManifestFile(StdinName, stdin.ReadToEnd()));
            else if (Directory.Exists(path))
                AddDirectory(files, path, recursive);
            else if (File.Exists(path))
                files.Add(new ManifestFile(path, File.ReadAllText(path)));
            else
                throw new CliException($"error: the path \"{path}\" does not exist");
        }
        return files;
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
                files.Add(new ManifestFile(entry, File.ReadAllText(entry)));
            }
        }
    }
}
