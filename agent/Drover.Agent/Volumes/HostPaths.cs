using Drover.Api;

namespace Drover.Agent.Volumes;

/// <summary>hostPath's types, checked (or made) before a container mounts the path, as the kubelet's hostPath plugin.</summary>
internal static class HostPaths
{
    public static void Check(HostPathVolumeSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("hostPath volumes are checked on Linux only");
        }

        var path = source.Path;
        var kind = FileKinds.Of(path);
        switch (source.Type ?? "")
        {
            case "":
                return;
            case "DirectoryOrCreate":
                if (kind == FileKind.Missing)
                {
                    Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
                    return;
                }

                Expect(path, kind, FileKind.Directory, "directory");
                return;
            case "FileOrCreate":
                if (kind == FileKind.Missing)
                {
                    // As the kubelet: the file is made, its directory must exist.
                    if (FileKinds.Of(Path.GetDirectoryName(path) ?? "/") != FileKind.Directory)
                    {
                        throw new VolumeException($"hostPath type check failed: the directory of {path} does not exist");
                    }

                    using (new FileStream(path, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead }))
                    {
                    }

                    return;
                }

                Expect(path, kind, FileKind.File, "file");
                return;
            case "Directory":
                Expect(path, kind, FileKind.Directory, "directory");
                return;
            case "File":
                Expect(path, kind, FileKind.File, "file");
                return;
            case "Socket":
                Expect(path, kind, FileKind.Socket, "socket");
                return;
            case "CharDevice":
                Expect(path, kind, FileKind.CharDevice, "character device");
                return;
            case "BlockDevice":
                Expect(path, kind, FileKind.BlockDevice, "block device");
                return;
            default:
                throw new VolumeException($"hostPath type {source.Type} is not supported");
        }
    }

    private static void Expect(string path, FileKind actual, FileKind expected, string what)
    {
        if (actual == FileKind.Missing)
        {
            throw new VolumeException($"hostPath type check failed: {path} does not exist");
        }

        if (actual != expected)
        {
            throw new VolumeException($"hostPath type check failed: {path} is not a {what}");
        }
    }
}
