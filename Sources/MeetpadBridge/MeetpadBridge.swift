@main
struct MeetpadBridgeCommand {
    static func main() { print("meetpad-bridge: not yet") }
}
