namespace Drover.Store;

public enum StoreEventType
{
    Put,
    Delete,
}
