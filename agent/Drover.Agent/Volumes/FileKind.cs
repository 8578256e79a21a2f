namespace Drover.Agent.Volumes;

/// <summary>What a host path is, for hostPath's type checks.</summary>
internal enum FileKind
{
    Missing,
    Directory,
    File,
    Socket,
    CharDevice,
    BlockDevice,
    Other,
}
