using Microsoft.CodeAnalysis;

namespace Optimus.Runtime.CodeGen;

/// <summary>Why the generator refuses a grain interface: every shape the runtime cannot call, at compile time.</summary>
internal static class GrainDiagnostics
{
    private const string Category = "Optimus.Grains";

    public static readonly DiagnosticDescriptor Inaccessible = Error(
        "OPTG001", "{0} is private, protected or file-local; a grain interface and the types around it must be public or internal.");

    public static readonly DiagnosticDescriptor GenericInterface = Error(
        "OPTG002", "{0} is generic; grain interfaces may not be.");

    public static readonly DiagnosticDescriptor NotAMethod = Error(
        "OPTG003", "{0} declares properties or events; grain interfaces may declare only methods.");

    public static readonly DiagnosticDescriptor GenericMethod = Error(
        "OPTG004", "{0} is generic; grain methods may not be.");

    public static readonly DiagnosticDescriptor ByRefParameter = Error(
        "OPTG005", "{0}: parameter '{1}' is ref, out or in; grain methods take values.");

    public static readonly DiagnosticDescriptor ReturnType = Error(
        "OPTG006", "{0} returns {1}; grain methods return Task, Task<T>, ValueTask or ValueTask<T>.");

    public static readonly DiagnosticDescriptor OneWayWithResult = Error(
        "OPTG007", "{0} is [OneWay] but returns a result; one-way methods return Task or ValueTask.");

    public static readonly DiagnosticDescriptor MethodWithBody = Error(
        "OPTG008", "{0} has a body; a grain interface declares its methods, the grain class implements them.");

    public static readonly DiagnosticDescriptor NonGrainParent = Error(
        "OPTG009", "{0} extends {1}, which is not a grain interface; a reference could not call its methods.");

    public static readonly DiagnosticDescriptor NotAnInstanceMethod = Error(
        "OPTG011", "{0} is static or not public; a grain interface declares public instance methods only.");

    public static readonly DiagnosticDescriptor InaccessibleClass = Error(
        "OPTG010", "Grain class {0} is private, protected or file-local; the runtime creates grains of public or internal classes only.");

    private static DiagnosticDescriptor Error(string id, string message) =>
        new(id, "A grain interface the runtime cannot call", message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true);
}
