${device.login_password}
