namespace Drover.Agent.Pods;

/// <summary>What the runtime leaves behind a removed pod: the pod-level cgroups runc does not delete (the kubelet owns them) and the log directory.</summary>
internal static class PodCleanup
{
    public static void RemoveCgroups(string cgroupMountRoot, string cgroupParent)
    {
        if (!Directory.Exists(cgroupMountRoot))
        {
            return;
        }

        foreach (var hierarchy in Directory.EnumerateDirectories(cgroupMountRoot))
        {
            var dir = hierarchy + cgroupParent;
            if (!Directory.Exists(dir))
            {
                continue;
            }

            try
            {
                // cgroup directories are removed with rmdir, children first; their control files cannot be deleted.
                foreach (var child in Directory.EnumerateDirectories(dir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length))
                {
                    Directory.Delete(child);
                }

                Directory.Delete(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Still busy (a process has not left yet): the next teardown or the node's clean-up tries again.
            }
        }
    }

    public static void RemoveDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
