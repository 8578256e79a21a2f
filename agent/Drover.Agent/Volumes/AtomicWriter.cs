using System.Globalization;

namespace Drover.Agent.Volumes;

/// <summary>
/// Writes a volume's files so that a reader sees either the old set or the new one, never a mix, as the kubelet's
/// atomic_writer.go: the files go into a new hidden directory (<c>..2026_12_05_07_20_00.1234</c>), the symlink
/// <c>..data</c> is swapped to it in one rename, and the visible names are symlinks through <c>..data</c>
/// (<c>app.yaml → ..data/app.yaml</c>). Nothing is written when nothing changed. Not thread-safe: one writer per
/// directory (the pod's worker).
/// </summary>
internal static class AtomicWriter
{
    public const string DataDirName = "..data";
    private const string NewDataDirName = "..data_tmp";

    /// <summary>Makes <paramref name="directory"/> hold exactly <paramref name="payload"/> (relative path → file); true when it changed.</summary>
    public static bool Write(string directory, IReadOnlyDictionary<string, FileProjection> payload, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(payload);
        if (!OperatingSystem.IsLinux())
        {
            // File modes are POSIX's; the agent runs on Linux only.
            throw new PlatformNotSupportedException("volumes are written on Linux only");
        }
        foreach (var path in payload.Keys)
        {
            CheckPath(path);
        }

        Directory.CreateDirectory(directory);
        var dataLink = Path.Combine(directory, DataDirName);
        var oldTarget = ReadLink(dataLink);
        var oldDir = oldTarget is null ? null : Path.Combine(directory, oldTarget);
        var oldPaths = oldDir is null ? [] : FilesUnder(oldDir);
        if (oldDir is not null && Matches(oldDir, oldPaths, payload))
        {
            // Same content: only make sure the visible links exist (a crash between the swap and the links).
            CreateVisibleLinks(directory, payload.Keys);
            return false;
        }

        // kubelet's name shape; the time's fraction keeps names apart, a counter covers a clock that stood still.
        var newName = string.Create(CultureInfo.InvariantCulture, $"..{now.UtcDateTime:yyyy_MM_dd_HH_mm_ss.fffffff}");
        for (var n = 1; Directory.Exists(Path.Combine(directory, newName)); n++)
        {
            newName = string.Create(CultureInfo.InvariantCulture, $"..{now.UtcDateTime:yyyy_MM_dd_HH_mm_ss.fffffff}_{n}");
        }

        var newDir = Path.Combine(directory, newName);
        Directory.CreateDirectory(newDir);
        foreach (var (path, file) in payload)
        {
            var full = Path.Combine(newDir, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (var stream = new FileStream(full, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = (UnixFileMode)file.Mode }))
            {
                stream.Write(file.Data);
            }

            // The process umask narrowed the create mode; the mode asked for is the mode given.
            File.SetUnixFileMode(full, (UnixFileMode)file.Mode);
        }

        var tmpLink = Path.Combine(directory, NewDataDirName);
        if (File.Exists(tmpLink) || Directory.Exists(tmpLink) || ReadLink(tmpLink) is not null)
        {
            File.Delete(tmpLink);
        }

        File.CreateSymbolicLink(tmpLink, newName);
        // rename(2) replaces the old link in one step: this is the moment readers switch over.
        NativeRename.Replace(tmpLink, dataLink);
        CreateVisibleLinks(directory, payload.Keys);
        RemoveStaleVisiblePaths(directory, oldPaths, payload.Keys);
        if (oldDir is not null && Directory.Exists(oldDir))
        {
            Directory.Delete(oldDir, recursive: true);
        }

        return true;
    }

    /// <summary>Payload paths are relative and stay inside the directory (validation already said so; this is the last line).</summary>
    private static void CheckPath(string path)
    {
        if (path.Length == 0 || path.StartsWith('/') || path.StartsWith("..", StringComparison.Ordinal) || path.Split('/').Contains(".."))
        {
            throw new VolumeException($"invalid file path {path}");
        }
    }

    private static string? ReadLink(string path)
    {
        var info = new FileInfo(path);
        return info.LinkTarget;
    }

    /// <summary>Relative paths of the regular files under <paramref name="dir"/>.</summary>
    private static HashSet<string> FilesUnder(string dir)
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        if (!Directory.Exists(dir))
        {
            return files;
        }

        foreach (var file in Directory.EnumerateFiles(dir, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            files.Add(Path.GetRelativePath(dir, file));
        }

        return files;
    }

    private static bool Matches(string dir, HashSet<string> existing, IReadOnlyDictionary<string, FileProjection> payload)
    {
        if (!OperatingSystem.IsLinux())
        {
            // File modes are POSIX's; the agent runs on Linux only.
            throw new PlatformNotSupportedException("volumes are written on Linux only");
        }
        if (existing.Count != payload.Count)
        {
            return false;
        }

        foreach (var (path, file) in payload)
        {
            if (!existing.Contains(path))
            {
                return false;
            }

            var full = Path.Combine(dir, path);
            if ((int)File.GetUnixFileMode(full) != file.Mode || !File.ReadAllBytes(full).AsSpan().SequenceEqual(file.Data))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One link per top-level name: <c>conf → ..data/conf</c> serves every file under conf/.</summary>
    private static void CreateVisibleLinks(string directory, IEnumerable<string> paths)
    {
        foreach (var top in paths.Select(TopLevel).Distinct(StringComparer.Ordinal))
        {
            var link = Path.Combine(directory, top);
            if (ReadLink(link) is null && !File.Exists(link) && !Directory.Exists(link))
            {
                File.CreateSymbolicLink(link, Path.Combine(DataDirName, top));
            }
        }
    }

    private static void RemoveStaleVisiblePaths(string directory, IEnumerable<string> oldPaths, IEnumerable<string> newPaths)
    {
        var keep = newPaths.Select(TopLevel).ToHashSet(StringComparer.Ordinal);
        foreach (var top in oldPaths.Select(TopLevel).Distinct(StringComparer.Ordinal))
        {
            if (!keep.Contains(top) && ReadLink(Path.Combine(directory, top)) is not null)
            {
                File.Delete(Path.Combine(directory, top));
            }
        }
    }

    private static string TopLevel(string path)
    {
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? path : path[..slash];
    }
}
