namespace Drover.ControlPlane.Controllers.DaemonSets;

public sealed partial class DaemonSetController
{
}
