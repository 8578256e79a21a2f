using System.Globalization;

namespace Drover.Agent.Images;

/// <summary>What identifies an archive as already imported: its name, size and modification time.</summary>
internal readonly record struct ArchiveStamp(string Name, long Size, long ModifiedUnixMilliseconds)
{
    public static ArchiveStamp Of(FileInfo file) =>
        new(file.Name, file.Length, new DateTimeOffset(file.LastWriteTimeUtc).ToUnixTimeMilliseconds());

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}\t{Size}\t{ModifiedUnixMilliseconds}");

    public static ArchiveStamp? TryParse(string line)
    {
        var parts = line.Split('\t');
        return parts.Length == 3
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            && long.TryParse(parts[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var modified)
            ? new ArchiveStamp(parts[0], size, modified)
            : null;
    }
}

/// <summary>
/// The archives imported so far, one <see cref="ArchiveStamp"/> per line. Written after each successful
/// import (temp file + rename), so a crash mid-import repeats at most that one archive, which is harmless:
/// importing the same content twice changes nothing in containerd.
/// </summary>
internal sealed class ImportedArchives
{
    private readonly HashSet<ArchiveStamp> _stamps;

    private ImportedArchives(HashSet<ArchiveStamp> stamps) => _stamps = stamps;

    public static ImportedArchives Load(string path)
    {
        var stamps = new HashSet<ArchiveStamp>();
        if (File.Exists(path))
        {
            foreach (var line in File.ReadAllLines(path))
            {
                if (ArchiveStamp.TryParse(line) is { } stamp)
                    stamps.Add(stamp);
            }
        }

        return new ImportedArchives(stamps);
    }

    public bool Contains(ArchiveStamp stamp) => _stamps.Contains(stamp);

    /// <summary>Replaces an earlier stamp of the same file name (the archive was changed and re-imported).</summary>
    public void Add(ArchiveStamp stamp)
    {
        _stamps.RemoveWhere(s => s.Name == stamp.Name);
        _stamps.Add(stamp);
    }

    public void Save(string path)
    {
        var temporary = path + ".tmp";
        File.WriteAllLines(temporary, _stamps.Select(s => s.ToString()).Order(StringComparer.Ordinal));
        File.Move(temporary, path, overwrite: true);
    }
}
