[${(device.mac)!"no model"}] ${.data_model?keys?size}
