// Staff console messages (English). Owned by the console; merged into the app's messages.
export default {}
