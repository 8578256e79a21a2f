namespace Drover.ControlPlane.Registry;

public enum ObjectEventType { Added, Modified, Deleted }
